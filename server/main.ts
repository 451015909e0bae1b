import { serve } from '@hono/node-server';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { assembleApp } from './assemble-app.js';
import { buildIfMissing } from './build-if-missing.js';
import { ConfigError, loadConfig } from './config.js';
import { migrate } from './db/migrate.js';
import { openDb } from './db/open-db.js';
import { createLogger } from './log.js';
import { createMetrics } from './metrics.js';
import { createSandbox } from './sandbox/index.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });
  buildIfMissing(config.staticDir, log);

  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const applied = await migrate(db);
  if (applied.length > 0) log.info({ migrations: applied, database: db.kind }, 'database migrated');
  const metrics = createMetrics();
  const sandbox = createSandbox({
    seed: config.sandboxSeed,
    historyDays: config.sandboxHistoryDays,
    log: log.child({ module: 'sandbox' }),
    metrics: metrics.registry,
    accountsFile: config.sandboxAccountsFile,
  });
  const app = assembleApp({
    db,
    config,
    log,
    metrics,
    sandbox,
    version: packageVersion(),
    startedAt: Date.now(),
  });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }) as Server;
  server.on('upgrade', (req, socket, head) => {
    if (!sandbox.handleUpgrade(req, socket, head)) socket.destroy();
  });
  server.on('error', (err) => {
    log.fatal({ err: { message: err.message } }, 'server failed to start');
    process.exit(1);
  });
  server.on('listening', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    sandbox.start();
    log.info(
      {
        port,
        dataDir: config.dataDir,
        database: db.kind,
        rpId: config.auth.rpId,
        origins: config.auth.origins,
      },
      `Lyra is running at http://${config.host}:${port}/`,
    );
  });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    void sandbox.close().finally(() => server.close(() => void db.close().finally(() => process.exit(0))));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  // Startup failures (database unreachable, a migration that fails) end the process with the reason.
  console.error(`Lyra failed to start: ${(e as Error).message}`);
  process.exit(1);
});
