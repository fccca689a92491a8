import type { Knex } from 'knex';
import { extensionPoints, isBrandColor, isBrandFont, type Branding } from '@mpanel/sdk';
import type { RootContainer } from '../container.ts';
import { enabledExtension } from '../plugins/enabled-extension.ts';
import type { BrandingSource } from './ui-routes.ts';

const LOGO = /^(https:\/\/|\/)[^\s"'<>]{1,2000}$/;
const HTTPS = /^https:\/\/[^\s"'<>\\`]{1,2000}$/;
const THEME = /^[a-z][a-z0-9-]{0,40}$/;
const SENDER_NAME = /^[^\r\n"<>\u0000-\u001f\u007f]{1,100}$/;
const SENDER_ADDRESS = /^[^\s"<>@]{1,64}@[A-Za-z0-9.-]{1,253}$/;

/** What of a provider's answer may reach the page. */
export function cleanBranding(raw: Partial<Branding>): Partial<Branding> {
  const out: Partial<Branding> = {};
  if (typeof raw.name === 'string' && raw.name.trim()) out.name = raw.name.trim().slice(0, 100);
  if (raw.logoUrl === null || (typeof raw.logoUrl === 'string' && LOGO.test(raw.logoUrl))) out.logoUrl = raw.logoUrl;
  if (raw.colors && typeof raw.colors === 'object') {
    out.colors = Object.fromEntries(Object.entries(raw.colors).filter(([token, value]) => isBrandColor(token, value)));
  }
  if (typeof raw.footer === 'string') out.footer = raw.footer.slice(0, 1000);
  for (const key of ['logoDarkUrl', 'faviconUrl'] as const) {
    const v = raw[key];
    if (v === null || (typeof v === 'string' && LOGO.test(v))) out[key] = v;
  }
  if (isBrandFont(raw.fontFamily)) out.fontFamily = raw.fontFamily;
  if (typeof raw.loginText === 'string') out.loginText = raw.loginText.slice(0, 500);
  if (Array.isArray(raw.legalLinks)) {
    out.legalLinks = raw.legalLinks
      .filter((l) => l && typeof l.label === 'string' && typeof l.url === 'string' && HTTPS.test(l.url))
      .slice(0, 10)
      .map((l) => ({ label: l.label.slice(0, 60), url: l.url }));
  }
  if (typeof raw.theme === 'string' && THEME.test(raw.theme)) out.theme = raw.theme;
  const from = raw.mailFrom;
  if (from && typeof from.name === 'string' && SENDER_NAME.test(from.name)) {
    out.mailFrom = { name: from.name, ...(typeof from.address === 'string' && SENDER_ADDRESS.test(from.address) ? { address: from.address } : {}) };
  }
  return out;
}

/**
 * A tenant's branding from the first `extensionPoints.branding` provider enabled for it (the
 * white-label plugin), else nothing (the defaults stay). A provider that fails leaves the default
 * look: branding must never keep a login page from rendering.
 */
export function extensionBranding(cradle: RootContainer['cradle']): BrandingSource {
  return { forTenant: async (tenant) => (tenant ? providedBranding(cradle, tenant.id) : {}) };
}

/** One tenant's provided branding; pass `trx` inside an open transaction (PGlite has one connection). */
export async function providedBranding(cradle: RootContainer['cradle'], tenantId: string, trx?: Knex.Transaction): Promise<Partial<Branding>> {
  const provider = await enabledExtension(cradle, extensionPoints.branding, tenantId, trx);
  if (!provider) return {};
  try {
    return cleanBranding(await provider.extension.impl.branding({ tenantId, settings: await provider.settings() }));
  } catch (err) {
    cradle.logger.warn({ err, plugin: provider.extension.owner }, 'branding provider failed');
    return {};
  }
}
