import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';

// The arrows point down: apps use packages, never the other way; the auth core knows no HTTP, tRPC,
// UI or email provider; the browser gets the API's types and @app/auth/shared, never server code.
const intoApps = { group: ['@app/api', '@app/api/*', '@app/web', '@app/web/*', '**/apps/**'], message: 'Packages never import apps.' };
const frameworks = {
  group: ['express', 'express/*', '@trpc/*', 'vue', 'vue-router', '@vue/*', 'postmark', 'pg', 'cookie'],
  message: 'packages/auth knows no HTTP, tRPC, UI or driver: take what you need as a parameter (AuthDeps, a Mailer).',
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.data/**', '**/.turbo/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['apps/web/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // One config module reads the environment; everything else is handed its values.
    files: ['apps/*/src/**', 'packages/*/src/**'],
    ignores: ['apps/api/src/config.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in apps/api/src/config.ts.' }],
    },
  },
  {
    files: ['packages/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [intoApps] }] },
  },
  {
    files: ['packages/auth/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [intoApps, frameworks] }] },
  },
  {
    files: ['apps/web/**/*.ts', 'apps/web/**/*.vue'],
    ignores: ['apps/web/vite.config.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@app/auth', message: 'The browser imports @app/auth/shared (types and constants), never the server code.' },
            { name: '@app/db', message: 'The browser never touches storage.', allowTypeImports: true },
          ],
          patterns: [
            { group: ['@app/api/*', '@app/api', '**/apps/api/**'], message: 'The web app imports only types from the API.', allowTypeImports: true },
            { group: ['@app/db/*', '@app/auth/*', '!@app/auth/shared', '**/packages/**'], message: 'The browser never imports server code.' },
          ],
        },
      ],
    },
  },
);
