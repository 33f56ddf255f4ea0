import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // The domain is pure: no database, no network, so tests run fully in parallel.
    restoreMocks: true,
  },
});
