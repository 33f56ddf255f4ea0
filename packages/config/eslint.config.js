// Shared ESLint flat config. Apps and packages re-export it from their own eslint.config.js
// and may append rules (e.g. module boundaries).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export const base = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', '**/test/**'],
    // Tests read untyped GraphQL JSON responses; typing every one would only restate the query.
    rules: { 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);

/** Only the domain decides business rules: it must stay free of I/O and frameworks. */
export const domainBoundaries = {
  files: ['src/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['typeorm', 'type-graphql', 'kafkajs', 'pg', 'express', '@apollo/*', 'node:fs', 'node:net', 'node:http', 'fs', 'http'],
            message: 'packages/domain is pure: no I/O, frameworks or drivers.',
          },
          { group: ['@gatehouse/*'], message: 'packages/domain depends on nothing of ours.' },
        ],
      },
    ],
  },
};

/** Apps never import each other; they share code through packages. */
export const appBoundaries = {
  files: ['src/**/*.ts', 'src/**/*.tsx'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { group: ['@gatehouse/api', '@gatehouse/runner', '@gatehouse/console', '**/apps/*'], message: 'Apps never import each other.' },
        ],
      },
    ],
  },
};

export default base;
