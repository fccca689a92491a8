/**
 * Everything plugins add to the host: menu entries and settings pages from manifests (no plugin
 * JS needed) and routes, widgets and pages from UI modules' `setup(host)` (tabs and panels on
 * pages are slots: slots.ts). Reactive, so the menu
 * updates as plugin modules finish loading.
 */
import { reactive } from 'vue';
import type { LazyComponent, UiMenuItem, UiRoute, UiSettingsPage, UiWidget } from '@mpanel/sdk/ui';

export interface NavEntry {
  id: string;
  label: string;
  to: string;
  permission?: string | undefined;
  group: string;
  order: number;
  /** The plugin that contributed it; undefined for core entries. */
  pluginId?: string | undefined;
}

export interface PluginWidget extends UiWidget {
  pluginId: string;
}

export interface PluginPage extends UiRoute {
  pluginId: string;
  /** Full path in the app: `/p/<plugin>/<path>` under the app's base, or the app path the plugin owns. */
  fullPath: string;
}

export interface PluginSettingsEntry extends UiSettingsPage {
  pluginId: string;
}

export const extensions = reactive({
  menu: [] as NavEntry[],
  widgets: [] as PluginWidget[],
  pages: [] as PluginPage[],
  settingsPages: [] as PluginSettingsEntry[],
  /** True until plugin UIs have loaded: a page they may add is not "not found" yet. */
  loading: true,
  /** Plugins whose UI module failed to load, with why (shown as a notice). */
  failures: {} as Record<string, string>,
});

/** Forgets every plugin contribution (a new sign-in loads them again for that user). */
export function resetExtensions(): void {
  extensions.menu.splice(0);
  extensions.widgets.splice(0);
  extensions.pages.splice(0);
  extensions.settingsPages.splice(0);
  for (const key of Object.keys(extensions.failures)) delete extensions.failures[key];
}

export function pluginPath(pluginId: string, path: string): string {
  return `/p/${pluginId}/${path.replace(/^\/+/, '')}`;
}

export function addMenu(pluginId: string | undefined, item: UiMenuItem): void {
  const id = pluginId ? `${pluginId}:${item.id}` : item.id;
  if (extensions.menu.some((m) => m.id === id)) return;
  const to = item.to.startsWith('/') || !pluginId ? item.to : pluginPath(pluginId, item.to);
  extensions.menu.push({ id, label: item.label, to, permission: item.permission, group: item.group ?? 'plugins', order: item.order ?? 100, pluginId });
}

export function addPage(pluginId: string, route: UiRoute): PluginPage {
  const page = { ...route, pluginId, fullPath: route.path.startsWith('/') ? route.path : pluginPath(pluginId, route.path) };
  extensions.pages.push(page);
  return page;
}

export function addWidget(pluginId: string, widget: UiWidget): void {
  extensions.widgets.push({ ...widget, pluginId });
}

export function addSettingsPage(pluginId: string, page: UiSettingsPage): void {
  if (!extensions.settingsPages.some((p) => p.pluginId === pluginId && p.id === page.id)) extensions.settingsPages.push({ ...page, pluginId });
}

/** Resolves a lazy component declaration to the component itself. */
export async function resolveComponent(component: LazyComponent): Promise<unknown> {
  if (typeof component === 'function' && !('render' in component) && !('setup' in component)) {
    const loaded = await (component as () => Promise<unknown>)();
    return loaded && typeof loaded === 'object' && 'default' in loaded ? (loaded as { default: unknown }).default : loaded;
  }
  return component;
}
