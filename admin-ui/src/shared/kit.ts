/**
 * The UI kit (PrimeVue, its Aura theme and the toast service), installed on the app the first time
 * a signed-in page opens. The login pages are plain HTML styled by our tokens, so they load none of
 * it (the kit and its theme are about half of the signed-in JavaScript).
 */
import type { App } from 'vue';
import PrimeVue from 'primevue/config';
import ToastService from 'primevue/toastservice';
import Aura from '@primeuix/themes/aura';

export function installKit(app: App): void {
  app.use(PrimeVue, { theme: { preset: Aura, options: { darkModeSelector: '.mp-dark', cssLayer: false } } });
  app.use(ToastService);
}
