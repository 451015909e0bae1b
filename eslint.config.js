import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

// The UI talks to exchanges and storage only through the engine API (workers/api.ts).
const engineOnlyImports = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'ccxt', message: 'ccxt runs in the engine workers (workers/), never in the UI.' },
        {
          name: 'dexie',
          message: 'IndexedDB is owned by the engine workers (workers/store/), never the UI.',
        },
      ],
      patterns: [
        {
          group: ['ccxt/*', 'lyra-ccxt/*'],
          message: 'ccxt runs in the engine workers (workers/), never in the UI.',
        },
        {
          group: ['dexie/*'],
          message: 'IndexedDB is owned by the engine workers (workers/store/), never the UI.',
        },
      ],
    },
  ],
};

export default ts.config(
  {
    ignores: [
      'build/',
      '.svelte-kit/',
      'node_modules/',
      'data/',
      'test-results/',
      'playwright-report/',
      'e2e/artifacts/',
      'bench/results/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
  { files: ['src/**/*'], rules: engineOnlyImports },
);
