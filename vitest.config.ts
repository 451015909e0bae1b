import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      'lyra-ccxt/binance': fileURLToPath(
        new URL('./node_modules/ccxt/js/src/pro/binance.js', import.meta.url),
      ),
    },
  },
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          // Everything, with the server's database on embedded PGlite.
          name: 'unit',
          include: [
            'workers/**/*.test.ts',
            'server/**/*.test.ts',
            'src/**/*.test.ts',
            'scripts/**/*.test.ts',
            'cli/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, '**/*.pg.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          // The server tests again on a real PostgreSQL: DATABASE_URL's, or a throwaway cluster started
          // for the run (scripts/ensure-postgres.mjs). *.pg.test.ts need a real server and run only here.
          name: 'postgres',
          include: ['server/**/*.test.ts'],
          // The sandbox exchange never opens a database: running it twice would prove nothing.
          exclude: [...configDefaults.exclude, 'server/sandbox/**'],
          globalSetup: ['./scripts/postgres-global-setup.ts'],
        },
      },
    ],
  },
});
