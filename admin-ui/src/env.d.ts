/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
/** The prebuilt PrimeVue theme (build/primevue-theme.ts). */
declare module 'virtual:primevue-theme.css';
