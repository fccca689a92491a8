/**
 * Starts fetching what the first signed-in page needs while the session is still being checked.
 * Without it the page's chunks wait on a chain: the app's JavaScript, then `/auth/me`, then the
 * UI kit (the guard installs it), then the layout and the view (the router loads them after its
 * guards) — each a round trip on a slow network before anything is drawn.
 */
import type { Router, RouteComponent } from 'vue-router';
import { date, money } from '@mpanel/sdk/ui/vue/format.ts';

type Lazy = () => Promise<RouteComponent>;

/** Calls the lazy component loaders of the route at the address bar; the router reuses the same modules. */
export function warmRoute(router: Router): void {
  const target = router.resolve(router.options.history.location);
  if (target.meta.public) return;
  for (const record of target.matched) {
    for (const component of Object.values(record.components ?? {})) {
      // vue-router's own test: a function that is not a functional or class component is a loader.
      const lazy = typeof component === 'function' && !('displayName' in component) && !('props' in component) && !('__vccOpts' in component);
      if (lazy) void (component as Lazy)().catch(() => undefined);
    }
  }
}

/**
 * The browser's first Intl formatter loads its locale data: ~100 ms of main thread on a slow phone.
 * Made while the page waits for `/auth/me` (nothing is drawn yet), it no longer blocks the first
 * signed-in render, where the dashboard's amounts and dates need it.
 */
export function warmFormats(): void {
  setTimeout(() => {
    money(0, 'USD');
    date('2026-01-01');
  }, 0);
}
