import { NotFoundError, ok, UnauthorizedError, type TenantRef } from '@mpanel/sdk';
import { type ApiContext, type CoreRouteDefinition as RouteDefinition } from '../http/api-context.ts';
import type { Knex } from 'knex';
import type { RootContainer } from '../container.ts';
import type { PluginRecord } from './plugin-record.ts';

const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[a-z0-9-#]+$' } }, required: ['id'] };

export function requestTenant(ctx: ApiContext): string {
  const tenant = ctx.state.tenant as TenantRef | undefined;
  if (!tenant) throw new UnauthorizedError();
  return tenant.id;
}

export function requestTrx(ctx: ApiContext): Knex.Transaction {
  return ctx.scope.resolve<Knex.Transaction>('trx');
}

/** The hook run before a tenant's plugin settings are stored: `values` are the submitted changes. */
export const SETTINGS_BEFORE_UPDATE = 'pluginSettings.beforeUpdate';
interface SettingsUpdate {
  pluginId: string;
  tenantId: string;
  values: Record<string, unknown>;
}

/** `GET /api/v1/plugins`, enable / disable per tenant, settings (secrets never returned). */
export function pluginRoutes(container: RootContainer): RouteDefinition[] {
  const { pluginManager, pluginTenantStates, pluginSettings, hookBus } = container.cradle;
  const record = (id: string): PluginRecord & { manifest: NonNullable<PluginRecord['manifest']> } => {
    const r = pluginManager.get(id);
    if (!r?.manifest) throw new NotFoundError('Plugin not found');
    return r as never;
  };
  const toggle = (enabled: boolean): RouteDefinition => ({
    method: 'POST',
    path: `/api/v1/plugins/:id/${enabled ? 'enable' : 'disable'}`,
    permission: 'plugins.manage',
    tags: ['plugins'],
    summary: `${enabled ? 'Enable' : 'Disable'} a plugin for the current tenant`,
    schema: { params: idParams },
    handler: async (ctx) => {
      const r = record(ctx.input.params.id);
      const tenantId = requestTenant(ctx);
      await pluginTenantStates.set(tenantId, r.id, enabled, requestTrx(ctx));
      (ctx.state.afterCommit as Array<() => void>).push(() => pluginTenantStates.forget(tenantId));
      return ok({ id: r.id, enabled });
    },
  });
  return [
    {
      method: 'GET',
      path: '/api/v1/plugins',
      permission: 'plugins.read',
      tags: ['plugins'],
      summary: 'Installed plugins with their state for the current tenant',
      handler: async (ctx) => {
        const tenantId = requestTenant(ctx);
        const disabled = await pluginTenantStates.disabledFor(tenantId, requestTrx(ctx));
        const data = pluginManager.list().map((s) => {
          const m = pluginManager.get(s.id)?.manifest;
          const status = s.status === 'active' && disabled.has(s.id) ? 'disabled' : s.status;
          return {
            id: s.id,
            name: m?.name ?? s.id,
            version: s.version,
            description: m?.description ?? null,
            category: m?.category ?? null,
            status,
            error: s.error ?? null,
            enabled: !disabled.has(s.id),
            ui: m?.ui ?? {},
            settingsSchema: m?.settings ?? null,
          };
        });
        return { data, meta: { total: data.length, page: 1, perPage: data.length } };
      },
    },
    toggle(true),
    toggle(false),
    {
      method: 'GET',
      path: '/api/v1/plugins/:id/settings',
      permission: 'plugins.manage',
      tags: ['plugins'],
      summary: "The current tenant's settings of a plugin; secrets only say whether they are set",
      schema: { params: idParams },
      handler: async (ctx) => {
        const r = record(ctx.input.params.id);
        return ok(await pluginSettings.describe(r.id, r.manifest.settings, requestTenant(ctx), requestTrx(ctx)));
      },
    },
    {
      method: 'PUT',
      path: '/api/v1/plugins/:id/settings',
      permission: 'plugins.manage',
      tags: ['plugins'],
      summary: 'Stores settings (validated by the plugin schema); omitted secrets keep their value, null clears',
      schema: { params: idParams, body: { type: 'object' } },
      handler: async (ctx) => {
        const r = record(ctx.input.params.id);
        const tenantId = requestTenant(ctx);
        // Plugins check (or adjust) submitted settings before they are stored, e.g. a gateway
        // testing an API key; a veto answers 4xx and nothing is stored.
        const checked = await hookBus.run<SettingsUpdate>(SETTINGS_BEFORE_UPDATE, { pluginId: r.id, tenantId, values: ctx.input.body as Record<string, unknown> }, { tenantId, trx: requestTrx(ctx) });
        await pluginSettings.write(r.id, r.manifest.settings, tenantId, checked.values, requestTrx(ctx));
        return ok(await pluginSettings.describe(r.id, r.manifest.settings, tenantId, requestTrx(ctx)), 'Settings saved');
      },
    },
  ];
}
