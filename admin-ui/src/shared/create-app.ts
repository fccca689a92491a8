/**
 * What the admin app and the portal share at start-up: pinia, i18n, branding, the session expiring
 * back to the login page, and the UI kit loaded before the first signed-in page.
 */
import { createApp, type Component } from 'vue';
import { createPinia } from 'pinia';
import type { Router } from 'vue-router';
import { i18n } from './i18n.ts';
import { loadBranding } from './branding.ts';
import { tokens } from './tokens.ts';
import { useSession } from './session.ts';
import { warmFormats, warmRoute } from './warm-up.ts';
import { disconnectRealtime } from './realtime.ts';
import './tokens.css';

export async function startApp(root: Component, router: Router, area: 'admin' | 'portal'): Promise<void> {
  tokens.useArea(area);
  const app = createApp(root);
  const pinia = createPinia();
  app.use(pinia).use(i18n).use(router);
  const loadKit = () => import('./kit.ts');
  let kit: Promise<void> | undefined;
  router.beforeEach(async (to) => {
    if (!to.meta.public) await (kit ??= loadKit().then((m) => m.installKit(app)));
  });
  // Tokens in storage: the first page is most likely a signed-in one, so its kit, layout and view
  // download alongside /auth/me (warm-up.ts). A stale token costs only the unused downloads.
  if (tokens.access) {
    void loadKit().catch(() => undefined);
    warmRoute(router);
    warmFormats();
  }
  app.config.errorHandler = (err, _instance, info) => {
    console.error(`[mpanel] ${info}:`, err);
  };
  tokens.onExpired((reason) => {
    useSession(pinia).expire();
    disconnectRealtime();
    // An ended impersonation has nowhere to return to: its login page says the session ended.
    void router.push({ name: 'login', query: reason === 'ended' ? {} : { next: router.currentRoute.value.fullPath } });
  });
  await Promise.all([loadBranding(), useSession(pinia).ensureLoaded()]);
  app.mount('#app');
}
