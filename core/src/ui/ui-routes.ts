import { can, ok, type Branding, type PluginUi, type Principal, type TenantRef, type UiEntry } from '@mpanel/sdk';
import { type CoreRouteDefinition as RouteDefinition } from '../http/api-context.ts';
import { basename } from 'node:path';
import type { RootContainer } from '../container.ts';

/** Supplies a tenant's branding: plugins provide it through `extensionPoints.branding` (branding-source.ts). */
export interface BrandingSource {
  forTenant(tenant: TenantRef | undefined): Promise<Partial<Branding>>;
}

export const defaultBranding: BrandingSource = {
  forTenant: async (tenant) => ({ name: tenant && tenant.slug !== 'default' ? tenant.name : 'mPanel', logoUrl: null, colors: {} }),
};

const visible = (entries: UiEntry[] | undefined, principal: Principal): UiEntry[] => (entries ?? []).filter((e) => can(principal, e.permission));

/**
 * Keeps only the entries the user may see, so the browser never learns about the rest. The
 * declared origins go along: the host's `loadScript` checks a plugin loads only its own.
 */
export function filterUi(ui: PluginUi, principal: Principal): PluginUi {
  return {
    menu: visible(ui.menu, principal),
    settingsPages: visible(ui.settingsPages, principal),
    dashboardWidgets: visible(ui.dashboardWidgets, principal),
    portalPages: visible(ui.portalPages, principal),
    externalOrigins: ui.externalOrigins ?? {},
  };
}

const moduleUrlOf = (p: { id: string; version: string; directory?: string | null; uiEntry?: string | null }): string | null =>
  p.directory && p.uiEntry ? `/admin/plugin-ui/${p.id}/${basename(p.uiEntry)}?v=${encodeURIComponent(p.version)}` : null;

/**
 * `GET /api/v1/ui/branding` and `GET /api/v1/ui/public-pages` (public: the portal before sign-in)
 * and `GET /api/v1/ui/plugins` (any signed-in user).
 */
export function uiRoutes(container: RootContainer): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/ui/branding',
      public: true,
      transaction: false,
      summary: "The tenant's name, logo and colour tokens for the admin UI and portal",
      tags: ['ui'],
      handler: async (ctx) => {
        const tenant = ctx.state.tenant as TenantRef | undefined;
        // The mail sender is for mails only: never sent to the browser.
        const { mailFrom: _mailFrom, ...brand } = await container.cradle.uiBranding.forTenant(tenant);
        ctx.set('Cache-Control', 'no-cache');
        return ok({ ...(await defaultBranding.forTenant(tenant)), ...brand });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/ui/public-pages',
      public: true,
      transaction: false,
      summary: "The portal pages the tenant's enabled plugins show without a session (manifest `ui.publicPages`) and their UI module URL",
      tags: ['ui'],
      handler: async (ctx) => {
        const tenant = ctx.state.tenant as TenantRef | undefined;
        ctx.set('Cache-Control', 'no-cache');
        if (!tenant) return ok([]);
        const plugins = await container.cradle.uiPluginCatalog.list(tenant.id);
        return ok(plugins.flatMap((p) => {
          const moduleUrl = moduleUrlOf(p);
          return moduleUrl && p.ui.publicPages?.length ? [{ id: p.id, moduleUrl, pages: p.ui.publicPages.map(({ id, label, path, order }) => ({ id, label, path, order: order ?? 100 })) }] : [];
        }));
      },
    },
    {
      method: 'GET',
      path: '/api/v1/ui/plugins',
      // Every role holds account.manage: each signed-in user gets the entries they may see.
      permission: 'account.manage',
      transaction: false,
      summary: 'Plugins enabled for the tenant with the UI entries the user may see and their UI module URL',
      tags: ['ui'],
      schema: { query: { type: 'object', properties: { area: { enum: ['admin', 'portal'] } } } },
      handler: async (ctx) => {
        const principal = ctx.state.principal as Principal;
        const tenant = ctx.state.tenant as TenantRef;
        const plugins = await container.cradle.uiPluginCatalog.list(tenant.id);
        return ok(
          plugins.map((p) => ({
            id: p.id,
            name: p.name,
            version: p.version,
            ui: filterUi(p.ui, principal),
            hasSettings: p.hasSettings,
            dependencies: p.dependencies ?? [],
            moduleUrl: moduleUrlOf(p),
          })),
        );
      },
    },
  ];
}
