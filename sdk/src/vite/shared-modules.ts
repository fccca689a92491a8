/**
 * The modules the host shares with plugins loaded at run time: ONE list, read by the host's build
 * (each becomes its own entry chunk and an import-map entry) and by the plugin preset (each is an
 * external a plugin bundle imports by its bare name). A plugin's `import { ref } from 'vue'` then
 * gets the host's very instance — no second Vue, no rebuild of the host to add a plugin.
 *
 * PrimeVue is shared per component: the whole kit as one module would be far over the chunk budget.
 */
export const SHARED_MODULES: readonly string[] = [
  'vue',
  'vue-router',
  'pinia',
  '@mpanel/sdk/ui',
  '@mpanel/sdk/ui/vue',
  'vue-i18n',
  'primevue/config',
  'primevue/usetoast',
  'primevue/button',
  'primevue/inputtext',
  'primevue/password',
  'primevue/select',
  'primevue/checkbox',
  'primevue/textarea',
  'primevue/message',
  'primevue/card',
  'primevue/tag',
  'primevue/datatable',
  'primevue/column',
  'primevue/dialog',
  'primevue/progressspinner',
];

/** Modules with a default export (a component or a Vue plugin); `export *` does not carry it. */
export const hasDefaultExport = (id: string): boolean => id.startsWith('primevue/') && id !== 'primevue/usetoast';

export const isSharedModule = (id: string): boolean => SHARED_MODULES.includes(id);
