import { appBoundaries, base } from '@gatehouse/config/eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// Browser code: swap the Node globals `base` grants for browser ones.
const browserOnly = {
  ...Object.fromEntries(Object.keys(globals.node).map((name) => [name, 'off'])),
  ...globals.browser,
};

// appBoundaries keeps apps apart; the console also talks to the API only over HTTP, so of our
// packages it imports only @gatehouse/ui. One rule entry, because a later one would replace it.
const [severity, { patterns }] = appBoundaries.rules['no-restricted-imports'];

export default [
  ...base,
  appBoundaries,
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    languageOptions: { globals: browserOnly },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        severity,
        {
          patterns: [
            ...patterns,
            {
              group: ['@gatehouse/*', '!@gatehouse/ui', '!@gatehouse/ui/*'],
              message: 'The console imports only @gatehouse/ui; it reaches the API over GraphQL.',
            },
          ],
        },
      ],
    },
  },
];
