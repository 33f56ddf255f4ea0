import { type ProxyOptions, defineConfig } from 'vite';

/** Where the GraphQL API listens; the dev server and `vite preview` proxy to it. */
function apiUrl(): string {
  const value = process.env.GATEHOUSE_API_URL || 'http://127.0.0.1:4000';
  if (!URL.canParse(value)) {
    throw new Error(`GATEHOUSE_API_URL must be an absolute URL such as http://127.0.0.1:4000, got "${value}".`);
  }
  return value;
}

const target = apiUrl();
/** The console's own port (the start command passes CONSOLE_PORT). */
const port = Number(process.env.CONSOLE_PORT || 5173);
const proxy: Record<string, ProxyOptions> = Object.fromEntries(
  // The decision record downloads only: /runs/:id itself is a console page.
  ['/graphql', '/auth', '/healthz', '/readyz', '^/runs/[^/]+/decision-record\\.(json|html)$'].map((path) => [path, { target, changeOrigin: true }]),
);

export default defineConfig({
  // Vite 8 transforms TSX with Oxc; React 19 uses the automatic JSX runtime.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  server: { host: '127.0.0.1', port, strictPort: true, proxy },
  preview: { host: '127.0.0.1', port, strictPort: true, proxy },
  build: {
    outDir: 'dist',
    sourcemap: true,
    rolldownOptions: {
      onwarn(warning, defaultHandler) {
        // react-query marks its modules "use client" for React Server Components; harmless in
        // a client-only bundle (@vitejs/plugin-react silences the same warning).
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        defaultHandler(warning);
      },
    },
  },
});
