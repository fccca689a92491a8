import type { Knex } from 'knex';
import type { BrandImage, Branding } from '@mpanel/sdk';
import { FONTS, isBrandColor, isSafeHttpsUrl } from './validate.ts';

/** One tenant's own brand row: NULL columns inherit from the parent tenant. */
export interface BrandRow {
  id: string;
  tenant_id: string;
  name: string | null;
  logo_url: string | null;
  logo_dark_url: string | null;
  favicon_url: string | null;
  colors: Record<string, string> | null;
  font: string | null;
  login_text: string | null;
  footer_text: string | null;
  legal_links: Array<{ label: string; url: string }> | null;
  theme: string | null;
  mail_from_name: string | null;
  mail_from_address: string | null;
}

export interface AssetRow {
  id: string;
  kind: 'logo' | 'logo_dark' | 'favicon';
  content_type: string;
  size: number;
  sha256: string;
  created_at: Date;
}

type PublicBrand = Pick<BrandRow, 'name' | 'logo_url' | 'logo_dark_url' | 'favicon_url' | 'colors' | 'font' | 'login_text' | 'footer_text' | 'legal_links' | 'theme'>;
interface ChainRow { depth: number; tenant_id: string; brand: PublicBrand | null; assets: Record<string, { id: string; sha256: string }> }

export const brands = (trx: Knex.Transaction) => trx<BrandRow>('white_label_brands');
export const assets = (trx: Knex.Transaction) => trx<AssetRow>('white_label_assets');

export const assetUrl = (a: { id: string; sha256: string }) => `/api/v1/white-label/assets/${a.id}?v=${a.sha256.slice(0, 12)}`;

/** What branding one level of the chain sets (undefined: inherit). Stored values are re-checked on the way out. */
function levelBranding(row: ChainRow): Partial<Branding> {
  const b = row.brand;
  const out: Partial<Branding> = {};
  const url = (kind: string, stored: string | null | undefined) => {
    const asset = row.assets[kind];
    if (asset) return assetUrl(asset);
    return stored && isSafeHttpsUrl(stored) ? stored : undefined;
  };
  const logo = url('logo', b?.logo_url);
  if (logo) out.logoUrl = logo;
  const dark = url('logo_dark', b?.logo_dark_url);
  if (dark) out.logoDarkUrl = dark;
  const favicon = url('favicon', b?.favicon_url);
  if (favicon) out.faviconUrl = favicon;
  if (!b) return out;
  if (b.name) out.name = b.name;
  if (b.font && FONTS[b.font]) out.fontFamily = FONTS[b.font];
  if (b.login_text) out.loginText = b.login_text;
  if (b.footer_text) out.footer = b.footer_text;
  if (b.legal_links) out.legalLinks = b.legal_links.filter((l) => isSafeHttpsUrl(l.url));
  if (b.theme) out.theme = b.theme;
  return out;
}

/**
 * The brand a tenant shows: each field from the nearest tenant up the parent chain that sets it
 * (the tenant itself first); colour tokens merged from the root down, so a sub-tenant may change
 * one token and keep the rest. Empty when nobody in the chain set anything (the defaults stay).
 */
export async function effectiveBranding(trx: Knex.Transaction, tenantId: string): Promise<Partial<Branding>> {
  const { rows } = (await trx.raw('SELECT depth, tenant_id, brand, assets FROM white_label_chain(?)', [tenantId])) as { rows: ChainRow[] };
  const out: Partial<Branding> = {};
  for (const row of [...rows].sort((x, y) => y.depth - x.depth)) {
    const level = levelBranding(row);
    const colors = Object.fromEntries(Object.entries(row.brand?.colors ?? {}).filter(([t, v]) => isBrandColor(t, v)));
    Object.assign(out, level);
    if (Object.keys(colors).length) out.colors = { ...(out.colors ?? {}), ...colors };
  }
  return out;
}

/**
 * The bytes of the logo the tenant shows when it is an uploaded image (its own, else the nearest
 * ancestor's): what a PDF embeds. Null when the nearest logo is an https URL (not fetched) or none.
 */
export async function effectiveLogoImage(trx: Knex.Transaction, tenantId: string): Promise<BrandImage | null> {
  const { rows } = (await trx.raw('SELECT depth, tenant_id, brand, assets FROM white_label_chain(?)', [tenantId])) as { rows: ChainRow[] };
  const nearest = [...rows].sort((x, y) => x.depth - y.depth).find((r) => r.assets.logo || (r.brand?.logo_url && isSafeHttpsUrl(r.brand.logo_url)));
  const asset = nearest?.assets.logo;
  if (!asset) return null;
  const image = (await trx.raw('SELECT content_type, data FROM white_label_asset(?, ?)', [tenantId, asset.id])) as { rows: Array<{ content_type: string; data: Buffer }> };
  const row = image.rows[0];
  return row ? { contentType: row.content_type, data: Buffer.from(row.data) } : null;
}
