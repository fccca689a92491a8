import type { Branding, PluginContext } from '@mpanel/sdk';

/**
 * The brand a tenant's mail is rendered with. An uploaded logo is a same-origin path
 * (`/api/v1/white-label/assets/…`), meaningless in a mailbox and served only on the tenant's own
 * domain: it becomes an absolute URL on the tenant's verified domain (`ctx.tenantUrl`). A tenant
 * without one keeps the relative path, which the layout leaves out (it shows the name instead of
 * an image that would point at the platform's host and not load there).
 */
export async function mailBranding(ctx: PluginContext, tenantId: string): Promise<Branding> {
  const brand = await ctx.branding(tenantId);
  const base = await ctx.tenantUrl(tenantId);
  const platformHost = ctx.platform.publicUrl ? new URL(ctx.platform.publicUrl).host : null;
  if (!base || new URL(base).host === platformHost) return brand;
  const absolute = (url: string | null | undefined) => (url?.startsWith('/') && !url.startsWith('//') ? new URL(url, base).toString() : url);
  return { ...brand, logoUrl: absolute(brand.logoUrl) ?? null, logoDarkUrl: absolute(brand.logoDarkUrl) ?? null };
}
