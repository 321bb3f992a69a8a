import { defineConfig } from 'vitest/config';

// Preact's automatic JSX runtime through Vite's built-in transformer; no framework plugin.
export default defineConfig({
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    // `npm run dev` against a server started with `fincyber demo --listen 127.0.0.1:8080`.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
