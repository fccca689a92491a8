import type { LazyComponent } from './plugin.ts';

/**
 * Open extension slots. A plugin (or the platform) declares a slot its page offers, typed by the
 * props the page passes; other plugins fill it. The offering side:
 *
 *   export const clientTabs = defineSlot<{ clientId: string }>('billing.client.tabs', { kind: 'tabs' });
 *   host.offer(clientTabs);                                   // in setup(host)
 *   <PluginSlot :slot="clientTabs" :props="{ clientId }" />   // on the page (@mpanel/sdk/ui/vue)
 *
 * and a filling plugin: `host.fill(clientTabs, { id: 'tickets', title: 'Tickets', component: () => import('./Tickets.vue'), permission: 'tickets.read' })`
 * (or `host.fill('billing.client.tabs', ...)` by name, without importing the offering plugin).
 *
 * Slot names belong to their owner: `<plugin-id>.<what>`; the platform's own are `platform.*`.
 */
export type SlotKind = 'tabs' | 'panels' | 'widgets' | 'pages' | 'menu' | 'settings';

declare const slotProps: unique symbol;

export interface SlotRef<P extends object = Record<string, unknown>, K extends SlotKind = SlotKind> {
  readonly name: string;
  readonly kind: K;
  readonly description?: string;
  /** Type only (never set): the props the offering page passes to every component filling it. */
  readonly [slotProps]?: P;
}

const SLOT_NAME = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;
const KINDS: readonly SlotKind[] = ['tabs', 'panels', 'widgets', 'pages', 'menu', 'settings'];

/** Declares a slot; pure (no host call), so a filling plugin may import the ref for its types. */
export function defineSlot<P extends object = Record<string, never>, K extends SlotKind = SlotKind>(name: string, options: { kind: K; description?: string }): SlotRef<P, K> {
  if (!SLOT_NAME.test(name)) throw new TypeError(`defineSlot: "${name}" is not "<owner>.<name>" (lower-case, dot-separated)`);
  if (!KINDS.includes(options.kind)) throw new TypeError(`defineSlot: kind "${String(options.kind)}" is not one of ${KINDS.join(', ')}`);
  return Object.freeze({ name, kind: options.kind, ...(options.description ? { description: options.description } : {}) });
}

/** The plugin (or `platform`) a slot name belongs to: its first segment. */
export const slotOwner = (name: string): string => name.split('.', 1)[0]!;

interface FillBase {
  /** Unique within the filling plugin and slot. */
  id: string;
  /** Shown only to users holding it; the API still checks it. */
  permission?: string;
  /** Lower first; ties keep the order plugins loaded in. Default 100. */
  order?: number;
}

/** A component shown inside the offering page: loaded lazily, mounted in its own error boundary. */
export interface ComponentFill extends FillBase {
  title?: string;
  component: LazyComponent;
}

/** What a fill of each kind carries. */
export interface SlotFillByKind {
  tabs: ComponentFill & { title: string };
  panels: ComponentFill;
  widgets: ComponentFill & { title: string; size?: 1 | 2 | 3 };
  /** `path` is relative to the plugin's base (`/admin/p/<plugin>/<path>`). */
  pages: ComponentFill & { path: string; label?: string };
  /** `to`: absolute (`/admin/clients`) or relative to the plugin's base; `group`: the menu heading. */
  menu: FillBase & { label: string; to: string; icon?: string; group?: string };
  /** Without `component`, the form generated from the plugin's settings JSON Schema. */
  settings: FillBase & { title: string; component?: LazyComponent };
}
export type SlotFill<K extends SlotKind = SlotKind> = SlotFillByKind[K];

/**
 * The platform's own slots, in the same model: `host.fill(platformSlots.dashboardWidgets, {...})`
 * is `host.addWidget({...})`. Menus and pages exist per area (staff app, client portal).
 */
export const platformSlots = {
  adminMenu: defineSlot('platform.admin.menu', { kind: 'menu' }),
  portalMenu: defineSlot('platform.portal.menu', { kind: 'menu' }),
  adminPages: defineSlot('platform.admin.pages', { kind: 'pages' }),
  portalPages: defineSlot('platform.portal.pages', { kind: 'pages' }),
  dashboardWidgets: defineSlot('platform.dashboard.widgets', { kind: 'widgets' }),
  settingsPages: defineSlot('platform.settings.pages', { kind: 'settings' }),
  /** Panels on the client portal's home page. */
  portalDashboard: defineSlot('platform.portal-dashboard.panels', { kind: 'panels' }),
  /** Panels on the client portal's account page (billing's client profile). */
  portalAccount: defineSlot('platform.portal-account.panels', { kind: 'panels' }),
  /** Small panels in the shell's header next to the signed-in user, both areas (the notifications bell). */
  header: defineSlot('platform.header.panels', { kind: 'panels' }),
  /**
   * Portal themes: every fill is mounted once in the client portal's shell with the tenant's selected
   * theme (`branding.theme`, the white-label setting); a theme plugin renders (its layout styles for
   * `.mp-shell`, `.mp-nav`, …) only when `theme` is its own id. Plugin UIs load only for plugins
   * enabled for the tenant the domain resolves to, so a theme never loads on another tenant's domain.
   */
  portalTheme: defineSlot<{ theme: string }>('platform.portal-theme.panels', { kind: 'panels' }),
} as const;

