/**
 * Portal pages without a session (`ui.publicPages` in a plugin's manifest: the knowledge base,
 * announcements). The server lists them for the tenant of the Host (`GET /api/v1/ui/public-pages`,
 * no login); their paths go into the router before the first navigation, so `/client/kb` is a page
 * and not a redirect to the login. A page's component comes from the plugin's UI module, set up
 * once with a host in the `public` area where only `addPublicPage` and `addMessages` do anything.
 * Signed in, the same pages stay reachable (public content, with a link back to the portal).
 */
import { defineUiPlugin, type LazyComponent, type UiHost, type UiPluginDefinition, type UiPublicPage } from '@mpanel/sdk/ui';
import type { RouteComponent, Router } from 'vue-router';
import { api } from './api.ts';
import { i18n } from './i18n.ts';
import { PLUGIN_LOAD_TIMEOUT_MS } from './plugin-loader.ts';

export interface PublicPluginInfo {
  id: string;
  moduleUrl: string;
  pages: UiPublicPage[];
}

const inPortal = (path: string) => path.replace(/^\/client(?=\/|$)/, '') || '/';
const modules = new Map<string, Promise<Map<string, LazyComponent>>>();

const ignore = () => undefined;

/** The host a plugin's `setup` gets on a public page: pages and texts only, the API without a session. */
function publicHost(pluginId: string, pages: Map<string, LazyComponent>): UiHost {
  return {
    pluginId, area: 'public', api, can: () => false,
    addPublicPage: (route) => void pages.set(inPortal(route.path.startsWith('/client') ? route.path : `/client${route.path.startsWith('/') ? '' : '/'}${route.path}`), route.component),
    addMessages: (locale, messages) => i18n.global.mergeLocaleMessage(locale, messages),
    addRoute: ignore, addMenuItem: ignore, addWidget: ignore, addSettingsPage: ignore, addPanel: ignore, offer: ignore, fill: ignore, addPortalPage: ignore,
    onRealtime: () => ignore,
    loadScript: () => Promise.reject(new Error('public pages load no scripts')),
    openPortalAs: () => Promise.reject(new Error('not on a public page')),
    notify: (m) => console.warn(`[mpanel] ${m.summary}`, m.detail ?? ''),
  };
}

/** The components a plugin's UI module gives its public pages, by portal path (`/kb/:slug`); loaded once. */
export function publicComponents(plugin: PublicPluginInfo): Promise<Map<string, LazyComponent>> {
  let loading = modules.get(plugin.moduleUrl);
  if (!loading) {
    loading = (async () => {
      // Its own module instance (another URL): state a module keeps from its signed-in setup (its
      // host, with the `portal` area) and from this one never mix.
      const url = `${plugin.moduleUrl}${plugin.moduleUrl.includes('?') ? '&' : '?'}area=public`;
      const mod = (await import(/* @vite-ignore */ url)) as { default?: UiPluginDefinition };
      const definition = defineUiPlugin(mod.default as UiPluginDefinition);
      if (definition.id !== plugin.id) throw new Error(`its module declares id "${definition.id}"`);
      const pages = new Map<string, LazyComponent>();
      await definition.setup(publicHost(plugin.id, pages));
      return pages;
    })();
    modules.set(plugin.moduleUrl, loading);
    loading.catch(() => modules.delete(plugin.moduleUrl));
  }
  return loading;
}

/**
 * Adds every public page of the tenant's plugins to the router, each in the app's public frame
 * (`layout`: brand and "Sign in"); never throws (no pages is fine).
 */
export async function registerPublicPages(router: Router, layout: () => Promise<RouteComponent | { default: RouteComponent }>): Promise<void> {
  let plugins: PublicPluginInfo[] = [];
  try {
    plugins = await Promise.race([
      api.get<PublicPluginInfo[]>('/ui/public-pages'),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), PLUGIN_LOAD_TIMEOUT_MS)),
    ]);
  } catch (err) {
    console.warn('[mpanel] public pages unavailable:', err);
    return;
  }
  for (const plugin of plugins) {
    for (const page of plugin.pages) {
      router.addRoute({
        path: inPortal(page.path), name: `public:${plugin.id}:${page.id}`, component: layout, meta: { publicPage: true, title: page.label },
        children: [{ path: '', component: () => import('./views/PublicPluginPage.vue'), props: (route) => ({ plugin, path: inPortal(page.path), params: route.params }) }],
      });
    }
  }
}

declare module 'vue-router' {
  interface RouteMeta {
    /** A plugin's page shown without a session (public-pages.ts). */
    publicPage?: boolean;
  }
}
