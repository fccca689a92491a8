import type { Router } from 'vue-router';
import type { PluginPage } from './extensions.ts';
import PluginPageView from './views/PluginPageView.vue';

/**
 * Puts a plugin's page into the router, its route params as the component's props. A page opened
 * before its plugin loaded (a bookmark of `/clients/<id>`) matched "not found": it is resolved again.
 */
export function addPluginRoute(router: Router, layoutRoute: string, page: PluginPage): void {
  router.addRoute(layoutRoute, {
    path: page.fullPath.replace(/^\//, ''),
    component: PluginPageView,
    props: (route) => ({ page, params: route.params }),
    meta: { permission: page.permission, title: page.title },
  });
  const current = router.currentRoute.value;
  if (current.name === 'not-found' && router.resolve(current.fullPath).name !== 'not-found') void router.replace(current.fullPath);
}
