import tseslint from 'typescript-eslint';

export default tseslint.config(
  // admin-ui's .vue files are checked by vue-tsc (no .vue parser here); its .ts sources, build code and tests are linted like the rest.
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'admin-ui/*', '!admin-ui/test/', '!admin-ui/src/', '!admin-ui/build/', '!admin-ui/vite.config.ts', 'test-results/**', '.pack/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The house rule: a plugin talks to the platform through the SDK only.
    files: ['plugins/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/core/**', '**/core', '@mpanel/core', '@mpanel/core/*'], message: 'Plugins import only from @mpanel/sdk, never from core.' },
        ],
      }],
    },
  },
);
