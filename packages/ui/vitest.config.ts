import { defineConfig } from 'vitest/config';

export default defineConfig({
  // React 19 automatic JSX runtime (Vite 8 transforms TSX with Oxc).
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/test/setup.ts'],
  },
});
