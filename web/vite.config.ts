/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The Rust server serves web/dist at `/` (SPA fallback) and the API at /api/v1.
// In dev, Vite proxies /api to the Rust server.
const apiTarget = process.env.TTOKJANG_API ?? 'http://127.0.0.1:8080';

// The shipped build renders with Preact through preact/compat (~10 KB gzip instead of
// react-dom's ~58 KB) to keep the first load within the 80 KB budget
// (scripts/check-size.mjs). Unit tests (vitest) run on React itself; the Chromium e2e
// checks the Preact build. TTOKJANG_REACT=1 builds with React for comparison.
const usePreact = process.env.VITEST === undefined && process.env.TTOKJANG_REACT !== '1';
const preactAliases: Record<string, string> = usePreact
  ? {
      react: 'preact/compat',
      'react-dom/test-utils': 'preact/test-utils',
      'react-dom/client': 'preact/compat/client',
      'react-dom': 'preact/compat',
      'react/jsx-runtime': 'preact/jsx-runtime',
      'react/jsx-dev-runtime': 'preact/jsx-dev-runtime',
    }
  : {};

export default defineConfig({
  plugins: [react()],
  resolve: { alias: preactAliases },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/healthz': { target: apiTarget },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // no source maps in the shipped build (the server would refuse to serve them anyway)
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    testTimeout: 20_000,
  },
});
