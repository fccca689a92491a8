import type { Knex } from 'knex';
import { NotFoundError, ValidationError, ok, type Branding, type PluginContext, type RouteContext, type RouteDefinition } from '@mpanel/sdk';
import { EVENTS, PERMISSIONS } from './manifest.ts';
import { assetUrl, assets, brands, type AssetRow, type BrandRow } from './brand.ts';
import { COLOR_TOKENS, FONTS, IMAGE_TYPES, THEMES, checkImage, isBrandColor, isEmailAddress, isPlainText, isSafeHttpsUrl, isSenderName } from './validate.ts';

const uuid = { type: 'string', format: 'uuid' } as const;
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: uuid } } as const;
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
const url = nullable({ type: 'string', maxLength: 2000 });

/** Every field optional; null (or absent) inherits the parent tenant's value. */
export const brandBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: nullable({ type: 'string', minLength: 1, maxLength: 100 }),
    logoUrl: url,
    logoDarkUrl: url,
    faviconUrl: url,
    colors: nullable({ type: 'object', maxProperties: COLOR_TOKENS.length, propertyNames: { enum: [...COLOR_TOKENS] }, additionalProperties: { type: 'string', maxLength: 60 } }),
    font: nullable({ enum: Object.keys(FONTS) }),
    loginText: nullable({ type: 'string', maxLength: 500 }),
    footerText: nullable({ type: 'string', maxLength: 1000 }),
    legalLinks: nullable({
      type: 'array', maxItems: 10,
      items: { type: 'object', additionalProperties: false, required: ['label', 'url'], properties: { label: { type: 'string', minLength: 1, maxLength: 60 }, url: { type: 'string', maxLength: 2000 } } },
    }),
    theme: nullable({ enum: [...THEMES] }),
    mailFromName: nullable({ type: 'string', minLength: 1, maxLength: 100 }),
    mailFromAddress: nullable({ type: 'string', maxLength: 254 }),
  },
} as const;

export interface BrandBody {
  name?: string | null; logoUrl?: string | null; logoDarkUrl?: string | null; faviconUrl?: string | null;
  colors?: Record<string, string> | null; font?: string | null; loginText?: string | null; footerText?: string | null;
  legalLinks?: Array<{ label: string; url: string }> | null; theme?: string | null; mailFromName?: string | null; mailFromAddress?: string | null;
}

const assetBody = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'contentType', 'data'],
  properties: {
    kind: { enum: ['logo', 'logo_dark', 'favicon'] },
    contentType: { enum: [...IMAGE_TYPES] },
    // base64 of at most 256 KiB (checked again after decoding)
    data: { type: 'string', minLength: 4, maxLength: 350_000 },
  },
} as const;

/** The checks JSON Schema cannot make; every problem is reported, nothing is stored. */
export function brandProblems(body: BrandBody): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const key of ['logoUrl', 'logoDarkUrl', 'faviconUrl'] as const) {
    const v = body[key];
    if (typeof v === 'string' && !isSafeHttpsUrl(v)) problems[key] = 'must be an https URL (or upload an image)';
  }
  for (const [token, value] of Object.entries(body.colors ?? {})) {
    if (!isBrandColor(token, value)) problems[`colors.${token}`] = 'must be a CSS colour: #rgb, #rrggbb, rgb(), hsl() or a colour name';
  }
  for (const key of ['name', 'loginText', 'footerText'] as const) {
    const v = body[key];
    if (typeof v === 'string' && (!isPlainText(v) || !v.trim())) problems[key] = 'must be plain text';
  }
  (body.legalLinks ?? []).forEach((l, i) => {
    if (!isSafeHttpsUrl(l.url)) problems[`legalLinks.${i}.url`] = 'must be an https URL';
    if (!isPlainText(l.label) || !l.label.trim()) problems[`legalLinks.${i}.label`] = 'must be plain text';
  });
  if (typeof body.mailFromName === 'string' && !isSenderName(body.mailFromName)) problems.mailFromName = 'no line breaks, quotes or angle brackets';
  if (typeof body.mailFromAddress === 'string' && !isEmailAddress(body.mailFromAddress)) problems.mailFromAddress = 'must be an email address';
  return problems;
}

const toAsset = (a: AssetRow) => ({ id: a.id, kind: a.kind, contentType: a.content_type, size: a.size, url: assetUrl(a), createdAt: a.created_at });

const toOwn = (row: BrandRow | undefined) => ({
  name: row?.name ?? null, logoUrl: row?.logo_url ?? null, logoDarkUrl: row?.logo_dark_url ?? null, faviconUrl: row?.favicon_url ?? null,
  colors: row?.colors ?? null, font: row?.font ?? null, loginText: row?.login_text ?? null, footerText: row?.footer_text ?? null,
  legalLinks: row?.legal_links ?? null, theme: row?.theme ?? null, mailFromName: row?.mail_from_name ?? null, mailFromAddress: row?.mail_from_address ?? null,
});

/** SPF/DKIM guidance for the sender's domain (plain text for the settings screen). */
export function mailGuidance(address: string | null): { domain: string; spf: string; dkim: string; dmarc: string } | null {
  const domain = address?.split('@')[1]?.toLowerCase();
  if (!domain) return null;
  return {
    domain,
    spf: `Publish (or extend) a TXT record on ${domain}: "v=spf1 include:<your mail relay's SPF domain> ~all" so the platform's mail relay may send as ${domain}.`,
    dkim: `Ask your mail relay for a DKIM key for ${domain} and publish its TXT record at <selector>._domainkey.${domain}; mails are signed by the relay.`,
    dmarc: `Publish a TXT record at _dmarc.${domain}: "v=DMARC1; p=none; rua=mailto:postmaster@${domain}" and tighten the policy once reports are clean.`,
  };
}

const withoutSender = ({ mailFrom: _sender, ...rest }: Branding): Omit<Branding, 'mailFrom'> => rest;

type Req<P = Record<string, string>, B = unknown> = RouteContext<P, Record<string, unknown>, B>;

export function whiteLabelRoutes(plugin: PluginContext): RouteDefinition[] {
  const tags = ['white-label'];

  async function view(trx: Knex.Transaction, tenantId: string) {
    const own = (await brands(trx).first()) as BrandRow | undefined;
    const rows = (await assets(trx).select('id', 'kind', 'content_type', 'size', 'sha256', 'created_at').orderBy('kind')) as AssetRow[];
    return {
      own: toOwn(own),
      assets: rows.map(toAsset),
      effective: withoutSender(await plugin.branding(tenantId)),
      fonts: Object.keys(FONTS),
      themes: [...THEMES],
      colorTokens: [...COLOR_TOKENS],
      mailGuidance: mailGuidance(own?.mail_from_address ?? null),
    };
  }

  return [
    {
      method: 'GET', path: '/api/v1/white-label/brands/current', permission: PERMISSIONS.read, tags,
      summary: "The tenant's own brand settings (null: inherited), its images, the brand it shows (inheritance applied) and mail DNS guidance",
      handler: async (ctx: Req) => {
        return ok(await view(ctx.db, ctx.tenant!.id));
      },
    },
    {
      method: 'PUT', path: '/api/v1/white-label/brands/current', permission: PERMISSIONS.write, tags, schema: { body: brandBody },
      summary: "Replaces the tenant's brand settings (a null or absent field inherits the parent tenant's)",
      handler: async (ctx: Req<Record<string, string>, BrandBody>) => {
        const b = ctx.body;
        const problems = brandProblems(b);
        if (Object.keys(problems).length) throw new ValidationError(problems, 'Invalid brand settings');
        const values = {
          name: b.name?.trim() ?? null, logo_url: b.logoUrl ?? null, logo_dark_url: b.logoDarkUrl ?? null, favicon_url: b.faviconUrl ?? null,
          colors: b.colors ? JSON.stringify(b.colors) : null, font: b.font ?? null, login_text: b.loginText ?? null, footer_text: b.footerText ?? null,
          legal_links: b.legalLinks ? JSON.stringify(b.legalLinks) : null, theme: b.theme ?? null,
          mail_from_name: b.mailFromName?.trim() ?? null, mail_from_address: b.mailFromAddress?.toLowerCase() ?? null,
        };
        const tenantId = ctx.tenant!.id;
        await brands(ctx.db).insert({ tenant_id: tenantId, ...values } as never).onConflict('tenant_id').merge({ ...values, updated_at: ctx.db.fn.now() } as never);
        await plugin.events.emit(EVENTS.brandChanged, { tenantId });
        return ok(await view(ctx.db, tenantId));
      },
    },
    {
      method: 'POST', path: '/api/v1/white-label/assets', permission: PERMISSIONS.write, tags, schema: { body: assetBody }, successStatus: 201,
      summary: 'Uploads a logo (light or dark) or favicon: PNG, JPEG, WebP, GIF or ICO of at most 256 KiB, replacing the previous one of that kind',
      handler: async (ctx: Req<Record<string, string>, { kind: AssetRow['kind']; contentType: string; data: string }>) => {
        const checked = checkImage(ctx.body.contentType, ctx.body.data);
        if ('error' in checked) throw new ValidationError({ data: checked.error }, 'Invalid image');
        await assets(ctx.db).where({ kind: ctx.body.kind }).delete();
        const [row] = (await assets(ctx.db)
          .insert({ tenant_id: ctx.tenant!.id, kind: ctx.body.kind, content_type: ctx.body.contentType, data: checked.data, size: checked.data.length, sha256: checked.sha256 } as never)
          .returning(['id', 'kind', 'content_type', 'size', 'sha256', 'created_at'])) as AssetRow[];
        await plugin.events.emit(EVENTS.brandChanged, { tenantId: ctx.tenant!.id });
        return ok(toAsset(row!));
      },
    },
    {
      method: 'DELETE', path: '/api/v1/white-label/assets/:id', permission: PERMISSIONS.write, tags, schema: { params: idParams },
      summary: 'Removes an uploaded image (the parent tenant\'s, or the URL setting, applies again)',
      handler: async (ctx: Req<{ id: string }>) => {
        const removed = await assets(ctx.db).where({ id: ctx.params.id }).delete();
        if (!removed) throw new NotFoundError('No such image');
        await plugin.events.emit(EVENTS.brandChanged, { tenantId: ctx.tenant!.id });
      },
    },
    {
      method: 'GET', path: '/api/v1/white-label/assets/:id', public: true, tags, schema: { params: idParams, query: { type: 'object', properties: { v: { type: 'string', maxLength: 64 } } } },
      summary: "An uploaded brand image, served only on the domain of its tenant or of the tenant's sub-tenants",
      handler: async (ctx: Req<{ id: string }>) => {
        if (!ctx.tenant) throw new NotFoundError('No such image');
        const { rows } = (await ctx.db.raw('SELECT content_type, data, sha256 FROM white_label_asset(?, ?)', [ctx.tenant.id, ctx.params.id])) as { rows: Array<{ content_type: string; data: Buffer; sha256: string }> };
        const row = rows[0];
        if (!row) throw new NotFoundError('No such image');
        ctx.response.type = row.content_type;
        Object.assign(ctx.response.headers, {
          'cache-control': 'public, max-age=300',
          etag: `"${row.sha256.slice(0, 32)}"`,
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none'; sandbox",
        });
        return Buffer.from(row.data);
      },
    },
  ];
}
