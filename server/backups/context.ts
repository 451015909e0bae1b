import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { SessionEnv } from '../auth/session.js';
import type { BackupConfig } from '../config.js';
import type { Db } from '../db/db.js';
import type { BackupMetrics } from './metrics.js';

/** What the route modules share; built once by createBackups. */
export interface BackupContext {
  app: Hono<SessionEnv>;
  db: Db;
  config: BackupConfig;
  log: Logger;
  metrics: BackupMetrics;
  now: () => number;
}
