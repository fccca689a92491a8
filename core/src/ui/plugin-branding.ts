import type { Knex } from 'knex';
import { extensionPoints, type BrandImage, type Branding } from '@mpanel/sdk';
import type { RootContainer } from '../container.ts';
import { enabledExtension } from '../plugins/enabled-extension.ts';
import { providedBranding } from './branding-source.ts';

const IMAGE_TYPE = /^image\/(png|jpeg|webp|gif|x-icon|vnd\.microsoft\.icon)$/;

/**
 * `ctx.branding(tenantId)`: what `GET /api/v1/ui/branding` answers for the tenant (the provider's
 * answer over the defaults), read in the caller's transaction when there is one.
 */
export async function pluginBranding(container: RootContainer, tenantId: string, trx?: Knex.Transaction): Promise<Branding> {
  const c = container.cradle;
  const tenant = (await (trx ?? c.knex)('tenants').where({ id: tenantId }).first('id', 'slug', 'name')) as { id: string; slug: string; name: string } | undefined;
  const base = { name: tenant && tenant.slug !== 'default' ? tenant.name : 'mPanel', logoUrl: null, colors: {} };
  const provided = c.pluginServices ? await providedBranding(c, tenantId, trx) : {};
  return { ...base, ...provided };
}

/**
 * `ctx.brandLogo(tenantId)`: the uploaded logo's bytes from the enabled branding provider, or null
 * (no provider, an external logo URL, a provider without `logoImage`, or a failing one: a document
 * renders without a logo rather than not at all).
 */
export async function pluginBrandLogo(container: RootContainer, tenantId: string, trx?: Knex.Transaction): Promise<BrandImage | null> {
  const c = container.cradle;
  if (!c.pluginServices) return null;
  const provider = await enabledExtension(c, extensionPoints.branding, tenantId, trx);
  if (!provider?.extension.impl.logoImage) return null;
  try {
    const image = await provider.extension.impl.logoImage({ tenantId, settings: await provider.settings() });
    return image && IMAGE_TYPE.test(image.contentType) && image.data instanceof Uint8Array ? image : null;
  } catch (err) {
    c.logger.warn({ err, plugin: provider.extension.owner }, 'branding provider failed to give its logo');
    return null;
  }
}
