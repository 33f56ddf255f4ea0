import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['./vitest.global-setup.ts'],
    // Starting PostgreSQL (initdb + start) happens in hooks; allow for a slow machine.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
