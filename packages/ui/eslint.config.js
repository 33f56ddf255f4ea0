import { base } from '@gatehouse/config/eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// Components run in the browser: swap the Node globals `base` grants for browser ones.
const browserOnly = {
  ...Object.fromEntries(Object.keys(globals.node).map((name) => [name, 'off'])),
  ...globals.browser,
};

export default [
  ...base,
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    languageOptions: { globals: browserOnly },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@gatehouse/*'], message: 'packages/ui depends on nothing of ours.' },
          ],
        },
      ],
    },
  },
];
