import { appBoundaries, base } from '@gatehouse/config/eslint';

export default [
  ...base,
  appBoundaries,
  {
    // The tests boot the real API in-process (the SDK-backed commands talk to it); the CLI
    // itself reaches the API only over HTTP through @gatehouse/sdk.
    files: ['src/**/*.test.ts', 'src/test/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
];
