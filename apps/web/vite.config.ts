/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
// The config (run by Node, not bundled with the app) reads the CSP's data file, not the library's code.
// eslint-disable-next-line @nx/enforce-module-boundaries
import csp from '../../libs/contracts/src/csp.json' with { type: 'json' };

// The app talks to the api under /api on its own origin; the dev and preview
// servers proxy it to ANOM_API_URL, so no CORS and no api URL baked into the build.
const apiUrl = process.env.ANOM_API_URL ?? 'http://127.0.0.1:3000';
const proxy = { '/api': { target: apiUrl, changeOrigin: true, rewrite: (p: string) => p.replace(/^\/api/, '') } };

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  // Only the pure vocabulary and answer types of @anom/contracts reach the browser bundle.
  resolve: { alias: { '@anom/contracts': `${import.meta.dirname}/../../libs/contracts/src/index.ts` } },
  server: { port: 5173, proxy },
  // The production-like server sends the app's CSP (the dev server's hot reload needs inline scripts).
  preview: {
    port: 5173,
    proxy,
    headers: {
      // As libs/contracts/src/csp.ts writes it for the api.
      'content-security-policy': Object.entries(csp)
        .map(([k, v]) => `${k} ${v.join(' ')}`)
        .join('; '),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  },
  build: { outDir: 'dist', emptyOutDir: true },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    // userEvent types key by key through MUI; on a loaded 2-core machine that takes seconds.
    testTimeout: 30_000,
  },
});
