/**
 * Loads plugin UIs at run time. The server lists the plugins enabled for the tenant with their
 * manifest UI entries already filtered by the user's permissions (`GET /api/v1/ui/plugins`).
 * Manifest menus and settings pages are added first (no plugin JS); then each plugin's UI module
 * is imported on its own with a timeout, so one slow or broken plugin never blocks the others.
 */
import { defineUiPlugin, can, platformSlots, type SlotFill, type UiArea, type UiHost, type UiPluginDefinition, type PluginUi } from '@mpanel/sdk/ui';
import { api } from './api.ts';
import { onRealtime } from './realtime.ts';
import { fromOrigins, loadScript } from './load-script.ts';
import { addMenu, addPage, addSettingsPage, addWidget, extensions, resetExtensions, type PluginPage } from './extensions.ts';
import { LEGACY_PANEL_SLOTS, fillSlot, offerSlot, resetSlots, warnUnknownFills } from './slots.ts';
import { billingSlots } from './billing-slots.ts';

export interface UiPluginInfo {
  id: string;
  name: string;
  version: string;
  ui: PluginUi;
  /** URL of the plugin's browser module, or null when it has none (manifest entries only). */
  moduleUrl: string | null;
  hasSettings: boolean;
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

function hostFor(plugin: UiPluginInfo, options: LoaderOptions): UiHost {
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
    onRealtime,
    // Only from origins the plugin declared: the page's CSP allows every active plugin's, this keeps each to its own.
    loadScript: (url) => (fromOrigins(url, plugin.ui.externalOrigins?.scripts) ? loadScript(url) : Promise.reject(new Error(`${plugin.id} did not declare the origin of ${url}`))),
    notify: options.notify,
  };
  return host;
}

async function loadModule(plugin: UiPluginInfo, options: LoaderOptions): Promise<void> {
  const importModule = options.importModule ?? ((url: string) => import(/* @vite-ignore */ url));
  const timeout = options.timeoutMs ?? PLUGIN_LOAD_TIMEOUT_MS;
  try {
    const mod = (await withTimeout(importModule(plugin.moduleUrl!), timeout, `Loading ${plugin.id}`)) as { default?: UiPluginDefinition };
    const definition = defineUiPlugin(mod.default as UiPluginDefinition);
    if (definition.id !== plugin.id) throw new Error(`its module declares id "${definition.id}"`);
    await withTimeout(Promise.resolve(definition.setup(hostFor(plugin, options))), timeout, `Setting up ${plugin.id}`);
  } catch (err) {
    extensions.failures[plugin.id] = err instanceof Error ? err.message : String(err);
    console.warn(`[mpanel] plugin UI "${plugin.id}" failed to load:`, err);
  }
}

/** Fetches the plugin list and loads every plugin UI; never throws (a failure is a notice). */
export async function loadPlugins(options: LoaderOptions): Promise<UiPluginInfo[]> {
  resetExtensions();
  resetSlots();
  offerSlot('platform', platformSlots.portalDashboard);
  let plugins: UiPluginInfo[];
  try {
    plugins = await api.get<UiPluginInfo[]>('/ui/plugins', { area: options.area });
  } catch (err) {
    extensions.failures['*'] = err instanceof Error ? err.message : String(err);
    return [];
  }
  for (const plugin of plugins) addManifestEntries(plugin, options.area);
  // Billing's pages are still the host's: it offers their slots while billing is active for the tenant.
  if (plugins.some((p) => p.id === 'billing')) for (const slot of Object.values(billingSlots)) offerSlot('billing', slot);
  await Promise.all(plugins.filter((p) => p.moduleUrl).map((p) => loadModule(p, options)));
  warnUnknownFills(new Set(['platform', ...plugins.filter((p) => !extensions.failures[p.id]).map((p) => p.id)]));
  return plugins;
}
