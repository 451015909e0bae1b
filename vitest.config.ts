import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      'lyra-ccxt/binance': fileURLToPath(
        new URL('./node_modules/ccxt/js/src/pro/binance.js', import.meta.url),
      ),
    },
  },
  test: {
    include: ['workers/**/*.test.ts', 'server/**/*.test.ts', 'src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
