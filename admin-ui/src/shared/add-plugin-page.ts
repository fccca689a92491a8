import type { Router } from 'vue-router';
import type { PluginPage } from './extensions.ts';
import PluginPageView from './views/PluginPageView.vue';

/** Puts a plugin's page into the router; a page opened before its plugin loaded is re-resolved. */
export function addPluginRoute(router: Router, layoutRoute: string, page: PluginPage): void {
  router.addRoute(layoutRoute, { path: page.fullPath.replace(/^\//, ''), component: PluginPageView, meta: { permission: page.permission, title: page.title } });
  if (router.currentRoute.value.path === page.fullPath) void router.replace(router.currentRoute.value.fullPath);
}
