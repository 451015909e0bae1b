import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// One build id per build: the config is loaded more than once (client build, prerendering in a child
// process), and each load must agree or the prerendered pages and the scripts disagree on the version.
const buildId = (process.env.LYRA_BUILD_ID ||= new Date().toISOString().replace(/[-:]/g, '').slice(0, 15));

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    // Client-only SPA: every route is prerendered as an empty shell, unknown paths fall back to 200.html.
    adapter: adapter({
      pages: process.env.LYRA_BUILD_DIR || 'build',
      assets: process.env.LYRA_BUILD_DIR || 'build',
      fallback: '200.html',
      precompress: false,
      strict: true,
    }),
    // The PWA plugin generates the service worker; SvelteKit's own would leave the worker chunks out.
    serviceWorker: { register: false },
    alias: {
      $workers: 'workers',
      // One exchange file instead of ccxt's index: the index defeats tree-shaking (5.7 MB vs ~160 KB gzip).
      'lyra-ccxt/binance': 'node_modules/ccxt/js/src/pro/binance.js',
    },
    version: { name: buildId },
    // The page's own Content-Security-Policy, written by the build as a <meta> in every prerendered page:
    // scripts only from our origin plus the hashes SvelteKit adds for its inline bootstrap, so no injected
    // inline or eval'd script runs. Styles keep 'unsafe-inline': Svelte writes style attributes (style:,
    // transitions) and uPlot positions by them. Workers get the server's headers, not this policy;
    // frame-ancestors only works as a header (server/app.ts).
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'worker-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:', 'blob:'],
        'font-src': ['self', 'data:'],
        'connect-src': ['self'],
        'manifest-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
      },
    },
    typescript: {
      config(tsconfig) {
        // The alias points Vite at the JavaScript file; TypeScript wants its declarations beside it.
        tsconfig.compilerOptions.paths['lyra-ccxt/binance'] = [
          '../node_modules/ccxt/js/src/pro/binance.d.ts',
        ];
        tsconfig.include.push(
          '../workers/**/*.ts',
          '../server/**/*.ts',
          '../cli/**/*.ts',
          '../bench/**/*.ts',
          '../e2e/**/*.ts',
          '../test/**/*.ts',
          '../playwright.config.ts',
          '../vitest.config.ts',
        );
      },
    },
  },
};

export default config;
