import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layeringRule } from './scripts/eslint/layering-rule.mjs';
import { packages } from './scripts/packages.mjs';

const pureGlobs = [
  ...Object.entries(packages)
    .filter(([, info]) => info.pure)
    .map(([name]) => `packages/${name}/src/**/*.ts`),
  ...Object.entries(packages)
    .filter(([, info]) => info.coreDir)
    .map(([name]) => `packages/${name}/src/core/**/*.ts`),
];

const nodeGlobals = [
  'process',
  'Buffer',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'clearInterval',
  'clearImmediate',
  'require',
  '__dirname',
  '__filename',
  'global',
].map((name) => ({ name, message: 'pure code has no Node globals: take a clock or value as input instead' }));

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/build/**', 'node_modules/**', '**/node_modules/**', '.lab/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly' },
    },
    plugins: { ironlb: { rules: { layering: layeringRule } } },
    rules: {
      'ironlb/layering': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'use `as const` objects with RFC names, not enums (STYLE.md)',
        },
      ],
    },
  },
  {
    files: pureGlobs,
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-globals': ['error', ...nodeGlobals] },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
);
