import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/**
 * The console is served from `/` by the API process (embedded: standalone; distributed:
 * inspection), so every asset is same-origin and the API needs no CORS. `vite dev` proxies
 * `/v1` to a running `pnpm start` (WAGEWATCH_API, default http://127.0.0.1:8080).
 */
export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Scripts only from files (the CSP allows no inline script): no inlined module preload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
    // dist/.vite/manifest.json: the chunk graph scripts/report-size.mjs measures.
    manifest: true,
  },
  server: {
    proxy: { '/v1': process.env.WAGEWATCH_API ?? 'http://127.0.0.1:8080' },
  },
});
