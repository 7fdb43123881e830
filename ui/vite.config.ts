import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const testing = Boolean(process.env.VITEST);

// Tauri expects a fixed dev port and relative asset paths in the bundle.
export default defineConfig({
  plugins: [svelte()],
  base: './',
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ['**/src-tauri/**'] },
  },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK (Linux) / WKWebView (macOS) baseline.
    target: ['es2021', 'safari15'],
    sourcemap: false,
  },
  // Tests need Svelte's browser build (mount/DOM), not the SSR one.
  resolve: testing ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['./src/test/setup.ts'],
  },
});
