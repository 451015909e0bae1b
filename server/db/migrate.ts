import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db, Queryable } from './db.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const defaultDir = fileURLToPath(new URL('./migrations/', import.meta.url));
// Any constant works; it only has to be the same in every Lyra process sharing a database.
const migrationLockKey = 0x4c797261;

/** Reads `NNN_name.sql` files in version order; a gap or a duplicate number is a packaging mistake. */
export function loadMigrations(dir = defaultDir): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d+)_([a-z0-9_-]+)\.sql$/.exec(file);
      if (!match) throw new Error(`Migration file "${file}" must be named like 001_description.sql`);
      return { version: Number(match[1]), name: match[2]!, sql: readFileSync(`${dir}/${file}`, 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(
        `Migrations must be numbered 1, 2, 3...; found ${m.version} where ${i + 1} was expected`,
      );
    }
  });
  return migrations;
}

/**
 * Applies the migrations not yet applied, each in its own transaction. The transaction-scoped advisory
 * lock makes concurrent starts of several servers on one PostgreSQL wait for each other instead of
 * applying the same migration twice; the applied check happens after the lock is held.
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<number[]> {
  const applied: number[] = [];
  const known = migrations.at(-1)?.version ?? 0;
  for (const m of migrations) {
    const didApply = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
      await tx.exec(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      // Checked before every step, under the lock: an older build must not write to a schema it does
      // not know, even one a newer process migrated a moment ago.
      await refuseNewerSchema(tx, known);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (done.length > 0) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (didApply) applied.push(m.version);
  }
  return applied;
}

async function refuseNewerSchema(q: Queryable, known: number): Promise<void> {
  const rows = await q.query<{ newest: number | null }>(
    'SELECT max(version) AS newest FROM schema_migrations',
  );
  const newest = Number(rows[0]?.newest ?? 0);
  if (newest > known) {
    throw new Error(
      `The database was migrated by a newer Lyra (version ${newest}, this build knows up to ${known}). ` +
        'Run the newer Lyra, or restore a database backup from before the upgrade.',
    );
  }
}
