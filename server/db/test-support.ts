/**
 * Opens a throwaway database for tests: in-memory PGlite by default, or a fresh schema (dropped
 * afterwards) on a real PostgreSQL in Vitest's "postgres" project, which runs the server tests again on
 * DATABASE_URL's server or on a cluster it starts for the run (scripts/postgres-global-setup.ts).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { Db } from './db.js';
import { openPgliteDb } from './pglite-db.js';
import { openPostgresDb } from './postgres-db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server of the "postgres" project; absent in the others, which use PGlite. */
    databaseUrl?: string;
  }
}

/** The PostgreSQL server this test file runs on, or undefined for PGlite. */
export function testDatabaseUrl(): string | undefined {
  return inject('databaseUrl') || undefined;
}

export async function openTestDb(): Promise<{ db: Db; cleanup: () => Promise<void> }> {
  const url = testDatabaseUrl();
  if (!url) {
    const db = await openPgliteDb();
    return { db, cleanup: () => db.close() };
  }
  const schema = `lyra_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = await openPostgresDb({ url, schema });
  return {
    db,
    cleanup: async () => {
      await db.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}
