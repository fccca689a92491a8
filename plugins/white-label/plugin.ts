import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { definePlugin, extensionPoints } from '@mpanel/sdk';
import { manifest } from './src/manifest.ts';
import { effectiveBranding, effectiveLogoImage } from './src/brand.ts';
import { whiteLabelRoutes } from './src/routes.ts';

/**
 * White label: provides `extensionPoints.branding` from the tenant's own brand settings (table
 * `white_label_brands`, images in `white_label_assets`), each field inherited from the nearest
 * parent tenant that sets it. The mail sender (name, address) rides along as `mailFrom`, which
 * core keeps out of the browser's answer.
 */
export default definePlugin({
  manifest,
  directory: fileURLToPath(new URL('.', import.meta.url)),
  register(ctx) {
    for (const route of whiteLabelRoutes(ctx)) ctx.routes.add(route);

    /** The caller's transaction when there is one (PGlite has a single connection), else a new one. */
    const read = async <R>(tenantId: string, fn: (trx: Knex.Transaction) => Promise<R>): Promise<R> => {
      const trx = ctx.scope()?.trx;
      return trx ? fn(trx) : ctx.db.transaction(tenantId, fn);
    };

    ctx.extensions.provide(extensionPoints.branding, 'white-label', {
      displayName: 'White label',
      branding: ({ tenantId }) =>
        read(tenantId, async (trx) => {
          const brand = await effectiveBranding(trx, tenantId);
          // The sender is the tenant's own (an address on a parent's domain is not inherited).
          const own = (await trx.raw('SELECT mail_from_name, mail_from_address FROM white_label_brands WHERE tenant_id = ?', [tenantId])) as { rows: Array<{ mail_from_name: string | null; mail_from_address: string | null }> };
          const sender = own.rows[0];
          const name = sender?.mail_from_name ?? brand.name;
          if (name) brand.mailFrom = { name, ...(sender?.mail_from_address ? { address: sender.mail_from_address } : {}) };
          return brand;
        }),
      logoImage: ({ tenantId }) => read(tenantId, (trx) => effectiveLogoImage(trx, tenantId)),
    });
  },
});
