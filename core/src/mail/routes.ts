import { ok } from '@mpanel/sdk';
import { defineCoreRoute as defineRoute, type CoreRouteDefinition as RouteDefinition } from '../http/api-context.ts';
import type { RootContainer } from '../container.ts';
import { requestServices } from '../identity/route-context.ts';
import { mailSettingsSchema, type MailSettings } from './settings.ts';
import { assertNotPrivateHost } from '../net/address-guard.ts';

export const MAIL_PERMISSIONS = [
  { name: 'mail.read', description: 'See the outgoing mail settings (never the SMTP password)', defaultRoles: ['admin'] },
  { name: 'mail.manage', description: 'Change the outgoing mail settings and send a test mail', defaultRoles: ['admin'] },
];

/** Every field may also be null (removes it: back to the outbox folder without a host). */
const nullable = Object.fromEntries(
  Object.entries(mailSettingsSchema.properties as Record<string, { type: string; secret?: boolean }>).map(([k, { secret: _secret, ...p }]) => [k, { ...p, type: [p.type, 'null'] }]),
);

/** What the API shows: the settings without the password, whether one is set, and where mail goes now. */
function view(settings: MailSettings, via: 'extension' | 'smtp' | 'outbox') {
  const { password, ...rest } = settings;
  return { ...rest, passwordSet: Boolean(password), deliversVia: via };
}

/** `/api/v1/mail/settings` (read, change) and `/api/v1/mail/test` for the caller's tenant. */
export function mailRoutes(container: RootContainer): RouteDefinition[] {
  const { mail, config } = container.cradle;
  const current = async (tenantId: string, trx: Parameters<typeof mail.settings>[1]) => {
    const settings = await mail.settings(tenantId, trx);
    return view(settings, (await mail.transportFor(tenantId, trx)) ? 'extension' : settings.host ? 'smtp' : 'outbox');
  };
  return [
    defineRoute({
      method: 'GET', path: '/api/v1/mail/settings', permission: 'mail.read', tags: ['mail'],
      summary: 'Outgoing mail settings of the tenant (SMTP; without a host, mail goes to DATA_DIR/mail-outbox)',
      handler: async (ctx) => {
        const { db } = requestServices(ctx);
        return ok(await current(db.tenantId, db.trx));
      },
    }),
    defineRoute<Record<string, string>, unknown, Record<string, unknown>>({
      method: 'PUT', path: '/api/v1/mail/settings', permission: 'mail.manage', tags: ['mail'],
      summary: 'Change the outgoing mail settings; an omitted password is kept, null removes a field',
      schema: { body: { type: 'object', additionalProperties: false, properties: nullable } },
      handler: async (ctx) => {
        const { db, audit } = requestServices(ctx);
        const { host } = ctx.input.body;
        if (typeof host === 'string') await assertNotPrivateHost(host, config.allowPrivateTargets, 'host');
        await mail.saveSettings(db.tenantId, ctx.input.body, db.trx);
        const after = await current(db.tenantId, db.trx);
        await audit.record({ action: 'mail.settings_updated', targetType: 'mail_settings', targetId: db.tenantId, after });
        return ok(after);
      },
    }),
    defineRoute<Record<string, string>, unknown, { to?: string }>({
      method: 'POST', path: '/api/v1/mail/test', permission: 'mail.manage', tags: ['mail'], successStatus: 202, rateLimit: 'strict',
      summary: 'Queue a test mail (default: to the caller) through the tenant\'s current delivery',
      schema: { body: { type: 'object', additionalProperties: false, properties: { to: { type: 'string', format: 'email', maxLength: 320 } } } },
      handler: async (ctx) => {
        const { principal } = requestServices(ctx);
        const to = ctx.input.body?.to ?? principal.email;
        if (!to) return ok({ id: null }, 'No recipient: pass "to"');
        const id = await mail.send({ to, subject: 'mPanel test mail', text: 'This is a test mail from mPanel: outgoing mail works.' });
        return ok({ id }, 'Test mail queued');
      },
    }),
  ];
}
