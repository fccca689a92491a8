import type { ApiClient } from './api.ts';
import type { SlotFill, SlotKind, SlotRef } from './slots.ts';

/**
 * The UI side of a plugin. A plugin's UI module (its manifest's `entry.ui`) default-exports
 * `defineUiPlugin({ id, setup(host) })`; the host imports it at run time by URL, with `vue`,
 * `vue-router`, `pinia`, `primevue/*` and `@mpanel/sdk/ui` resolved through the page's import map.
 *
 * Components are typed loosely (`UiComponent`) so the SDK does not depend on Vue; pass a Vue
 * component or a function returning `import('./Panel.js')`.
 */
export type UiComponent = unknown;
export type LazyComponent = UiComponent | (() => Promise<UiComponent | { default: UiComponent }>);

/**
 * Where a page lives: the staff app (`/admin`), the client portal (`/client`), or the portal's
 * pages without a session (`public`: only `addPublicPage` and `addMessages` take effect there,
 * `api` calls go without a token, so they reach `public: true` routes only).
 */
export type UiArea = 'admin' | 'portal' | 'public';

export interface UiRoute {
  /**
   * Relative to the plugin's base (`settings` → `/admin/p/<plugin-id>/settings`), or, starting with
   * `/`, a path of the app the plugin owns (`/clients/:id` → `/admin/clients/:id`): its records'
   * URLs stay what links and bookmarks know. The route's params are the component's props.
   */
  path: string;
  component: LazyComponent;
  /** Shown only to users holding it; the API still checks it. */
  permission?: string;
  title?: string;
}

export interface UiMenuItem {
  /** Unique within the plugin. */
  id: string;
  label: string;
  /** Absolute (`/admin/clients`) or relative to the plugin's base (`settings`). */
  to: string;
  permission?: string;
  icon?: string;
  /** Menu group heading: `billing`, `platform`, `plugins`, ... */
  group?: string;
  order?: number;
}

export interface UiWidget {
  id: string;
  title: string;
  component: LazyComponent;
  permission?: string;
  /** Grid columns the widget spans on the dashboard (1–3). */
  size?: 1 | 2 | 3;
}

export interface UiSettingsPage {
  id: string;
  title: string;
  /** Omit to get the form generated from the plugin's settings JSON Schema. */
  component?: LazyComponent;
  permission?: string;
}

/**
 * Where a panel shows inside a host page. The page passes its record's id as the `id` prop
 * (`portal.invoice`: `{ id, invoice }` — the invoice being shown).
 *
 * @deprecated The closed list of before open slots: each name is an alias of a slot
 * (`admin.invoice` = `billing.invoice.panels`, `admin.client` = `billing.client.panels`,
 * `portal.invoice` = `billing.portal-invoice.panels`, `portal.dashboard` =
 * `platform.portal-dashboard.panels`); use `host.fill(slot, ...)`.
 */
export type UiPanelSlot = 'admin.invoice' | 'admin.client' | 'portal.invoice' | 'portal.dashboard';

export interface UiPanel {
  id: string;
  slot: UiPanelSlot;
  component: LazyComponent;
  permission?: string;
  title?: string;
}

/** What a plugin's `setup` receives. Every add* call is scoped to the plugin's id. */
export interface UiHost {
  readonly pluginId: string;
  readonly area: UiArea;
  /** Calls the platform's API with the user's token (`/api/v1` prefix added). */
  readonly api: ApiClient;
  can(permission: string): boolean;
  addRoute(route: UiRoute): void;
  addMenuItem(item: UiMenuItem): void;
  addWidget(widget: UiWidget): void;
  addSettingsPage(page: UiSettingsPage): void;
  /** A panel inside a host page (an invoice, a client); mounted in its own error boundary. @deprecated use `fill` */
  addPanel(panel: UiPanel): void;
  /**
   * Declares a slot this plugin's pages offer (see `defineSlot`); its name must start with the
   * plugin's id. Fills of a slot nobody offers render nothing.
   */
  offer(slot: SlotRef<object>): void;
  /**
   * Fills a slot another plugin (or the platform: `platformSlots`) offers, by ref or by name. The
   * entry shows only to users holding its permission, loads lazily and sits in its own error
   * boundary. Filling a slot that its (active) owner does not offer is a console warning.
   */
  fill<K extends SlotKind>(slot: SlotRef<object, K>, fill: SlotFill<K>): void;
  fill(slot: string, fill: SlotFill): void;
  /** A page of the client portal (only called when `area === 'portal'`). */
  addPortalPage(route: UiRoute & { label?: string }): void;
  /**
   * The component of a page the manifest declares in `ui.publicPages` (same path without
   * `/client`: `/kb/:slug`), shown without a session. Only takes effect when `area === 'public'`.
   */
  addPublicPage(route: { path: string; component: LazyComponent; title?: string }): void;
  /**
   * Adds the plugin's texts to the host's messages (`{ billing: { invoice: 'Invoice' } }`), read
   * with vue-i18n's `useI18n().t('billing.invoice')` and by the host for menu labels.
   */
  addMessages(locale: string, messages: Record<string, unknown>): void;
  /** Listens to a realtime event the server pushes to this user or tenant (`<plugin>:<event>`); returns the unsubscribe. */
  onRealtime(event: string, handler: (payload: unknown) => void): () => void;
  /**
   * Loads a classic script (a provider's browser SDK such as Stripe.js) once per URL; resolves
   * when it has run. Its origin must be among the manifest's `ui.externalOrigins.scripts` (the
   * page's Content-Security-Policy allows only declared origins): otherwise it rejects.
   */
  loadScript(url: string): Promise<void>;
  /**
   * "Log in as" a portal user (staff holding `users.impersonate`): an audited, short impersonation
   * session handed to `tab` (a window the click opened with `window.open`, so no pop-up blocker
   * stops it) as that tab's own portal session, and the portal opened there.
   */
  openPortalAs(userId: string, tab: object): Promise<void>;
  /** A toast in the host's notification area. */
  notify(message: { severity?: 'success' | 'info' | 'warn' | 'error'; summary: string; detail?: string }): void;
}

export interface UiPluginDefinition {
  /** The plugin's manifest id; the host checks it matches the plugin it loaded. */
  id: string;
  setup(host: UiHost): void | Promise<void>;
}

/**
 * Where a plugin's components find the host their plugin was set up with (for `host.api`,
 * `host.notify`, ...): `export const host = hostHolder('my-plugin')` in one module, `host.set(h)` in
 * `setup(h)`, `host.get()` in components. Throws, naming the plugin, if used before setup.
 */
export function hostHolder(pluginId: string): { set(host: UiHost): void; get(): UiHost } {
  let current: UiHost | undefined;
  return {
    set: (host) => void (current = host),
    get: () => {
      if (!current) throw new Error(`${pluginId}: its UI was used before setup(host) ran`);
      return current;
    },
  };
}

/** Declares a plugin's UI; the identity function exists for types and for a future version check. */
export function defineUiPlugin(definition: UiPluginDefinition): UiPluginDefinition {
  if (!definition || typeof definition.id !== 'string' || typeof definition.setup !== 'function') {
    throw new TypeError('defineUiPlugin needs { id, setup(host) }');
  }
  return definition;
}

/** The declarative UI entries of a manifest (`manifest.ui`): menus and settings pages render without plugin JS. */
export type { PluginUi, UiEntry, UiExternalOrigins, UiPublicPage } from '../manifest.ts';
