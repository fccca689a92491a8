/**
 * What the admin app and the portal share at start-up: pinia, i18n, PrimeVue with its theme, the
 * toast service, branding, and the session expiring back to the login page.
 */
import { createApp, type Component } from 'vue';
import { createPinia } from 'pinia';
import type { Router } from 'vue-router';
import PrimeVue from 'primevue/config';
import ToastService from 'primevue/toastservice';
import Aura from '@primeuix/themes/aura';
import { i18n } from './i18n.ts';
import { loadBranding } from './branding.ts';
import { tokens } from './tokens.ts';
import { useSession } from './session.ts';
import './tokens.css';

export async function startApp(root: Component, router: Router, area: 'admin' | 'portal'): Promise<void> {
  tokens.useArea(area);
  const app = createApp(root);
  const pinia = createPinia();
  app.use(pinia).use(i18n).use(router);
  app.use(PrimeVue, { theme: { preset: Aura, options: { darkModeSelector: '.mp-dark', cssLayer: false } } });
  app.use(ToastService);
  app.config.errorHandler = (err, _instance, info) => {
    console.error(`[mpanel] ${info}:`, err); // eslint-disable-line no-console
  };
  tokens.onExpired(() => {
    useSession(pinia).expire();
    void router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } });
  });
  await Promise.all([loadBranding(), useSession(pinia).ensureLoaded()]);
  app.mount('#app');
}
