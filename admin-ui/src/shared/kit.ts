/**
 * The UI kit (PrimeVue, its Aura theme and the toast service), installed on the app the first time
 * a signed-in page opens. The login pages are plain HTML styled by our tokens, so they load none of
 * it (the kit is about half of the signed-in JavaScript).
 *
 * The theme is a stylesheet made at build time (build/primevue-theme.ts), not PrimeVue's styled
 * mode building it in JavaScript on every page load: `theme: 'none'` keeps the components' classes
 * and tells PrimeVue not to inject styles of its own.
 */
import type { App } from 'vue';
import PrimeVue from 'primevue/config';
import ToastService from 'primevue/toastservice';
import { SLOT_OUTLET } from '@mpanel/sdk/ui/vue';
import SlotOutlet from './components/SlotOutlet.vue';
import 'virtual:primevue-theme.css';

export function installKit(app: App): void {
  app.use(PrimeVue, { theme: 'none' });
  app.use(ToastService);
  // How <PluginSlot> renders on signed-in pages (the host's tabs, panels and error boundaries).
  app.provide(SLOT_OUTLET, SlotOutlet);
}
