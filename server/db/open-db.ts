import { join } from 'node:path';
import type { Db } from './db.js';
import { openPgliteDb } from './pglite-db.js';
import { openPostgresDb } from './postgres-db.js';

export interface OpenDbOptions {
  /** When set, a PostgreSQL server; otherwise embedded PGlite under `${dataDir}/pg`. */
  databaseUrl?: string;
  dataDir: string;
}

export function openDb(options: OpenDbOptions): Promise<Db> {
  if (options.databaseUrl) return openPostgresDb({ url: options.databaseUrl });
  return openPgliteDb(join(options.dataDir, 'pg'));
}
