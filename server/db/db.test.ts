import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './db.js';
import { loadMigrations, migrate } from './migrate.js';
import { openTestDb, testDatabaseUrl } from './test-support.js';

// The same tests run on PGlite (project "unit") and on a real PostgreSQL (project "postgres").
describe(`database (${testDatabaseUrl() ? 'PostgreSQL' : 'PGlite'})`, () => {
  let db: Db;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ db, cleanup } = await openTestDb());
  });
  afterAll(() => cleanup());

  it('runs parameterised queries and returns rows', async () => {
    const rows = await db.query<{ sum: number; label: string }>(
      'SELECT $1::int + $2::int AS sum, $3::text AS label',
      [2, 3, 'five'],
    );
    expect(rows).toEqual([{ sum: 5, label: 'five' }]);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await db.exec('CREATE TABLE tx_probe (n int)');
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES ($1)', [1]);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES ($1)', [2]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const rows = await db.query<{ n: number }>('SELECT n FROM tx_probe ORDER BY n');
    expect(rows.map((r) => r.n)).toEqual([1]);
  });

  it('applies the migrations once, in order, and records them', async () => {
    const first = await migrate(db);
    expect(first).toEqual(loadMigrations().map((m) => m.version));
    expect(await migrate(db)).toEqual([]);
    const recorded = await db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(recorded.map((r) => r.version)).toEqual(first);
    // The auth tables exist and enforce their rules.
    await expect(
      db.query(
        `INSERT INTO users (id, workspace_id, role, display_name, webauthn_user_id, created_at)
         VALUES ('u', 'no-such-workspace', 'owner', 'x', 'h', now())`,
      ),
    ).rejects.toThrow();
  });

  it('leaves no trace of a migration that fails, so a fixed version can run again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lyra-migrations-'));
    try {
      const suffix = randomBytes(4).toString('hex');
      writeFileSync(join(dir, '001_good.sql'), `CREATE TABLE good_${suffix} (id int);`);
      writeFileSync(
        join(dir, '002_bad.sql'),
        `CREATE TABLE half_${suffix} (id int); SELECT * FROM missing_table;`,
      );
      const scratch = await openTestDb();
      try {
        await expect(migrate(scratch.db, loadMigrations(dir))).rejects.toThrow(/missing_table/);
        const tables = await scratch.db.query<{ name: string }>(
          `SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE $1`,
          [`%_${suffix}`],
        );
        expect(tables.map((t) => t.name)).toEqual([`good_${suffix}`]);
        const versions = await scratch.db.query<{ version: number }>('SELECT version FROM schema_migrations');
        expect(versions.map((v) => v.version)).toEqual([1]);
      } finally {
        await scratch.cleanup();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses badly numbered migration files with a message that says what to fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lyra-migrations-'));
    try {
      writeFileSync(join(dir, '001_a.sql'), 'SELECT 1;');
      writeFileSync(join(dir, '003_c.sql'), 'SELECT 1;');
      expect(() => loadMigrations(dir)).toThrow(/found 3 where 2 was expected/);
      writeFileSync(join(dir, 'oops.sql'), 'SELECT 1;');
      expect(() => loadMigrations(dir)).toThrow(/001_description\.sql/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a database migrated by a newer Lyra and applies nothing', async () => {
    const scratch = await openTestDb();
    try {
      const known = loadMigrations();
      const newest = known.at(-1)!.version;
      // This build knows all but its newest migration: the newest plays the part of a future one.
      await migrate(scratch.db);
      const older = known.slice(0, -1);
      await expect(migrate(scratch.db, older)).rejects.toThrow(
        `The database was migrated by a newer Lyra (version ${newest}, this build knows up to ${newest - 1}). ` +
          'Run the newer Lyra, or restore a database backup from before the upgrade.',
      );
      // A gap below the newer version (a migration this build would apply) is left alone too.
      await scratch.db.query('DELETE FROM schema_migrations WHERE version = 1');
      await expect(migrate(scratch.db, older)).rejects.toThrow(/newer Lyra/);
      const versions = await scratch.db.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(versions.map((v) => v.version)).not.toContain(1);
    } finally {
      await scratch.cleanup();
    }
  });

  it('lets concurrent migrators apply each migration exactly once', async () => {
    const scratch = await openTestDb();
    try {
      const results = await Promise.all([migrate(scratch.db), migrate(scratch.db), migrate(scratch.db)]);
      const all = results.flat().sort();
      expect(all).toEqual(loadMigrations().map((m) => m.version));
    } finally {
      await scratch.cleanup();
    }
  });
});
