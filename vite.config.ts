import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { pwaManifest } from './scripts/pwa-manifest.js';

const fromRoot = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const emptyModule = fromRoot('./scripts/stubs/empty.js');

// undici is imported by ccxt only under Node; in the worker bundle it is dead weight (about 500 KB).
function stubNodeOnlyModules(): Plugin {
  const stubbed = new Set(['undici', 'crypto', 'node:crypto']);
  return {
    name: 'lyra-stub-node-only',
    enforce: 'pre',
    resolveId(id) {
      return stubbed.has(id) ? emptyModule : null;
    },
  };
}

export default defineConfig(({ mode }) => ({
  plugins: [
    sveltekit(),
    SvelteKitPWA({
      registerType: 'prompt',
      injectRegister: false,
      strategies: 'generateSW',
      manifest: pwaManifest,
      workbox: {
        globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,webmanifest}', 'prerendered/**/*.{html,json}'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        // Exchange traffic must never be answered from the cache: stale prices are worse than none.
        navigateFallbackDenylist: [/^\/api\//, /^\/ws/, /^\/healthz/, /^\/metrics/],
        // Alert notifications: a click focuses Lyra at /alerts (static/alert-notifications.js).
        importScripts: ['alert-notifications.js'],
      },
      devOptions: { enabled: false },
    }),
  ],
  // ccxt imports Node's crypto only for RSA signing, which Lyra does not use in the browser.
  resolve: { alias: mode === 'test' ? ({} as Record<string, string>) : { crypto: emptyModule } },
  worker: {
    format: 'es',
    plugins: () => [stubNodeOnlyModules()],
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
  },
}));
