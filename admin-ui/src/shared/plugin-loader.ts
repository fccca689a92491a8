/**
 * Loads plugin UIs at run time. The server lists the plugins enabled for the tenant with their
 * manifest UI entries already filtered by the user's permissions (`GET /api/v1/ui/plugins`).
 * Manifest menus and settings pages are added first (no plugin JS); then each plugin's UI module
 * is imported on its own with a timeout, so one slow or broken plugin never blocks the others.
 */
import { defineUiPlugin, can, platformSlots, type SlotFill, type UiArea, type UiHost, type UiPluginDefinition, type PluginUi } from '@mpanel/sdk/ui';
import { api } from './api.ts';
import { i18n } from './i18n.ts';
import { onRealtime } from './realtime.ts';
import { fromOrigins, loadScript } from './load-script.ts';
import { openPortalAs } from './open-portal-as.ts';
import { addMenu, addPage, addSettingsPage, addWidget, extensions, resetExtensions, type PluginPage } from './extensions.ts';
import { LEGACY_PANEL_SLOTS, fillSlot, offerSlot, resetSlots, warnUnknownFills } from './slots.ts';

export interface UiPluginInfo {
  id: string;
  name: string;
  version: string;
  ui: PluginUi;
  /** URL of the plugin's browser module, or null when it has none (manifest entries only). */
  moduleUrl: string | null;
  hasSettings: boolean;
  /** The plugins it depends on (a gateway on billing). */
  dependencies?: string[];
}

export const PLUGIN_LOAD_TIMEOUT_MS = 8000;

export interface LoaderOptions {
  area: UiArea;
  /** Called for every page a plugin adds, to put it into the router. */
  onPage(page: PluginPage): void;
  notify: UiHost['notify'];
  timeoutMs?: number;
  /** Imports a module by URL; replaceable in tests. */
  importModule?: (url: string) => Promise<unknown>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** Manifest paths may name the app (`/admin/x`, `/client/x`); the router's base already does. */
const inApp = (path: string) => path.replace(/^\/(admin|client)(?=\/|$)/, '') || '/';

function addManifestEntries(plugin: UiPluginInfo, area: UiArea): void {
  if (area === 'admin') {
    for (const entry of plugin.ui.menu ?? []) addMenu(plugin.id, { id: entry.id, label: entry.label, to: inApp(entry.path), permission: entry.permission, order: entry.order ?? 100 });
    for (const page of plugin.ui.settingsPages ?? []) addSettingsPage(plugin.id, { id: page.id, title: page.label, permission: page.permission });
    if (plugin.hasSettings && !(plugin.ui.settingsPages ?? []).length) addSettingsPage(plugin.id, { id: 'settings', title: plugin.name, permission: 'plugins.manage' });
  } else {
    for (const entry of plugin.ui.portalPages ?? []) addMenu(plugin.id, { id: entry.id, label: entry.label, to: inApp(entry.path), permission: entry.permission, group: 'portal', order: entry.order ?? 100 });
  }
}

/**
 * The script origins a plugin may load from: its own, and those of the plugins that depend on it
 * (billing's pay screen loads the Stripe.js gateway-stripe declares and its pay session names).
 */
function scriptOrigins(plugin: UiPluginInfo, all: readonly UiPluginInfo[]): string[] {
  const dependents = all.filter((p) => p.dependencies?.includes(plugin.id));
  return [plugin, ...dependents].flatMap((p) => p.ui.externalOrigins?.scripts ?? []);
}

/**
 * The platform's own slots are its `add*` calls: filling one is the same as calling it (only in
 * the area whose pages render it).
 */
const PLATFORM_FILLS: Record<string, (host: UiHost, fill: never) => void> = {
  [platformSlots.adminMenu.name]: (host, fill: SlotFill<'menu'>) => host.area === 'admin' && host.addMenuItem(fill),
  [platformSlots.portalMenu.name]: (host, fill: SlotFill<'menu'>) => host.area === 'portal' && host.addMenuItem({ ...fill, group: 'portal' }),
  [platformSlots.adminPages.name]: (host, fill: SlotFill<'pages'>) => host.area === 'admin' && host.addRoute(fill),
  [platformSlots.portalPages.name]: (host, fill: SlotFill<'pages'>) => host.addPortalPage(fill),
  [platformSlots.dashboardWidgets.name]: (host, fill: SlotFill<'widgets'>) => host.addWidget(fill),
  [platformSlots.settingsPages.name]: (host, fill: SlotFill<'settings'>) => host.addSettingsPage(fill),
};

function hostFor(plugin: UiPluginInfo, options: LoaderOptions, all: readonly UiPluginInfo[]): UiHost {
  const host: UiHost = {
    pluginId: plugin.id,
    area: options.area,
    api,
    can,
    addRoute: (route) => options.onPage(addPage(plugin.id, route)),
    addMenuItem: (item) => addMenu(plugin.id, item),
    addWidget: (widget) => addWidget(plugin.id, widget),
    addSettingsPage: (page) => addSettingsPage(plugin.id, page),
    addPanel: ({ slot, ...panel }) => fillSlot(plugin.id, LEGACY_PANEL_SLOTS[slot] ?? slot, panel),
    offer: (slot) => offerSlot(plugin.id, slot),
    fill: (slot: string | { name: string }, fill: SlotFill) => {
      const name = typeof slot === 'string' ? slot : slot.name;
      const platform = PLATFORM_FILLS[name];
      if (platform) platform(host, fill as never);
      else fillSlot(plugin.id, name, fill);
    },
    addPortalPage: (route) => {
      if (options.area !== 'portal') return;
      options.onPage(addPage(plugin.id, route));
      if (route.label) addMenu(plugin.id, { id: `page:${route.path}`, label: route.label, to: route.path, permission: route.permission, group: 'portal' });
    },
    // Signed in, a plugin's public pages are not routed (the portal's own pages are): public-pages.ts.
    addPublicPage: () => undefined,
    addMessages: (locale, messages) => i18n.global.mergeLocaleMessage(locale, messages),
    onRealtime,
    // Only from origins the plugin (or one depending on it) declared: the page's CSP allows every active plugin's, this keeps each to its own.
    loadScript: (url) => (fromOrigins(url, scriptOrigins(plugin, all)) ? loadScript(url) : Promise.reject(new Error(`${plugin.id} did not declare the origin of ${url}`))),
    openPortalAs: (userId, tab) => openPortalAs(userId, tab as Window),
    notify: options.notify,
  };
  return host;
}

async function loadModule(plugin: UiPluginInfo, options: LoaderOptions, all: readonly UiPluginInfo[]): Promise<void> {
  const importModule = options.importModule ?? ((url: string) => import(/* @vite-ignore */ url));
  const timeout = options.timeoutMs ?? PLUGIN_LOAD_TIMEOUT_MS;
  try {
    const mod = (await withTimeout(importModule(plugin.moduleUrl!), timeout, `Loading ${plugin.id}`)) as { default?: UiPluginDefinition };
    const definition = defineUiPlugin(mod.default as UiPluginDefinition);
    if (definition.id !== plugin.id) throw new Error(`its module declares id "${definition.id}"`);
    await withTimeout(Promise.resolve(definition.setup(hostFor(plugin, options, all))), timeout, `Setting up ${plugin.id}`);
  } catch (err) {
    extensions.failures[plugin.id] = err instanceof Error ? err.message : String(err);
    console.warn(`[mpanel] plugin UI "${plugin.id}" failed to load:`, err);
  }
}

/** Fetches the plugin list and loads every plugin UI; never throws (a failure is a notice). */
export async function loadPlugins(options: LoaderOptions): Promise<UiPluginInfo[]> {
  resetExtensions();
  extensions.loading = true;
  resetSlots();
  offerSlot('platform', platformSlots.portalDashboard);
  offerSlot('platform', platformSlots.portalAccount);
  offerSlot('platform', platformSlots.header);
  offerSlot('platform', platformSlots.portalTheme);
  let plugins: UiPluginInfo[];
  try {
    plugins = await api.get<UiPluginInfo[]>('/ui/plugins', { area: options.area });
  } catch (err) {
    extensions.failures['*'] = err instanceof Error ? err.message : String(err);
    extensions.loading = false;
    return [];
  }
  for (const plugin of plugins) addManifestEntries(plugin, options.area);
  await Promise.all(plugins.filter((p) => p.moduleUrl).map((p) => loadModule(p, options, plugins)));
  warnUnknownFills(new Set(['platform', ...plugins.filter((p) => !extensions.failures[p.id]).map((p) => p.id)]));
  extensions.loading = false;
  return plugins;
}
