import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

/** Plugin UIs' single-file components (built by `mpanel plugin:build`); admin-ui's are left to vue-tsc. */
const PLUGIN_VUE = ['plugins/*/ui/src/**/*.vue', 'test/e2e/fixtures/*/ui/src/**/*.vue'];

export default tseslint.config(
  // admin-ui's .vue files are checked by vue-tsc only; its .ts sources, build code and tests are linted like the rest (plugin UIs' .vue too: PLUGIN_VUE).
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'admin-ui/*', '!admin-ui/test/', '!admin-ui/src/', '!admin-ui/build/', '!admin-ui/vite.config.ts', 'test-results/**', '.pack/**'] },
  ...tseslint.configs.recommended,
  // Vue's correctness rules, with TypeScript inside <script lang="ts">.
  ...pluginVue.configs['flat/essential'].map((config) => ({ ...config, files: PLUGIN_VUE })),
  {
    files: PLUGIN_VUE,
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    // <PluginSlot :slot="ref"> is the SDK's prop, not Vue 2's slot attribute.
    rules: { 'vue/no-deprecated-slot-attribute': ['error', { ignore: ['PluginSlot'] }] },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The house rule: a plugin talks to the platform through the SDK only.
    files: ['plugins/**/*.ts', 'plugins/**/*.vue'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/core/**', '**/core', '@mpanel/core', '@mpanel/core/*'], message: 'Plugins import only from @mpanel/sdk, never from core.' },
        ],
      }],
    },
  },
);
