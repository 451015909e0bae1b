import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EngineFailure } from '../shared/errors.js';
import { closeAll, freshDb } from '../vault/test-vault.js';
import { backedUpTables } from './backup-tables.js';
import { device, dump, seed, startServer, type TestServer } from './test-backups.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.cleanup());
afterEach(async () => {
  await closeAll();
  server.limiter.hits.clear();
  await server.db.query('DELETE FROM backup_versions');
  await server.db.query('DELETE FROM backup_key_bundles');
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof EngineFailure ? e.error.code : String(e);
  }
}

describe('backups between two devices', () => {
  it('restores every backed-up table on a new device that unlocks with the recovery key', async () => {
    const a = device(server);
    const { recoveryKey } = await seed(a);
    const made = await a.backups.backupNow();
    expect(made.skipped).toBe(false);

    const b = device(server);
    expect((await b.backups.status()).key).toBe('no-vault');
    const before = await b.backups.versions();
    expect(before.versions).toHaveLength(1);
    // Without the key a new device sees that a version exists, not what is in it.
    expect(before.versions[0]).toMatchObject({ readable: false, tables: null, device: null });
    expect(await codeOf(b.backups.previewRestore(made.versionId!))).toBe('backup-key-locked');

    const options = await b.backups.keyOptions();
    expect(options).toEqual({ passkeys: [], recovery: true });
    await b.backups.unlockBackups({ kind: 'recovery', recoveryKey });
    const listed = (await b.backups.versions()).versions[0]!;
    expect(listed).toMatchObject({ readable: true, device: 'Test device', kind: 'full', restorable: true });
    expect(listed.tables).toContainEqual({ name: 'fills', rows: 400 });
    expect(listed.tables).toContainEqual({ name: 'candleBlocks', rows: 3 });

    const preview = await b.backups.previewRestore(made.versionId!);
    expect(preview.tables.find((t) => t.name === 'orders')).toMatchObject({
      current: 0,
      restored: 200,
      added: 200,
    });
    await b.backups.restore(made.versionId!);
    expect(await dump(b.db, backedUpTables)).toEqual(await dump(a.db, backedUpTables));
    // Caches are not part of it.
    expect(await b.db.tickers.count()).toBe(0);
    // The restored vault opens with the same passphrase on the new device.
    const unlocked = await b.vault.unlock({ kind: 'passphrase', passphrase: 'correct horse battery staple' });
    expect(unlocked.state).toBe('unlocked');
  });

  it('backs up only what changed, and restores any version in time', async () => {
    const a = device(server, { db: freshDb() });
    const { recoveryKey } = await seed(a);
    const v1 = await a.backups.backupNow();
    const atV1 = await dump(a.db, backedUpTables);

    expect(await a.backups.backupNow()).toEqual({ versionId: null, skipped: true });

    server.clock.now += 60_000;
    await a.db.orders.delete('ord00003');
    await a.db.orders.update('ord00004', { status: 'cancelled' });
    await a.db.fills.add({ id: 'fill-new', orderId: 'ord00004', price: '1', amount: '1', time: 1 } as never);
    await a.db.settings.put({ key: 'theme', value: 'light' });
    const v2 = await a.backups.backupNow();
    const atV2 = await dump(a.db, backedUpTables);

    server.clock.now += 60_000;
    await a.db.fills.clear();
    const v3 = await a.backups.backupNow();
    const atV3 = await dump(a.db, backedUpTables);

    const list = await a.backups.versions();
    expect(list.versions.map((v) => [v.id, v.kind, v.chain])).toEqual([
      [v3.versionId, 'incremental', 3],
      [v2.versionId, 'incremental', 2],
      [v1.versionId, 'full', 1],
    ]);
    // The increment is small: three changed rows and one delete, not the whole store.
    expect(list.versions[1]!.storedBytes).toBeLessThan(list.versions[2]!.storedBytes / 10);

    const b = device(server);
    await b.backups.unlockBackups({ kind: 'recovery', recoveryKey });
    for (const [version, expected] of [
      [v2, atV2],
      [v1, atV1],
      [v3, atV3],
    ] as const) {
      await b.backups.restore(version.versionId!);
      expect(await dump(b.db, backedUpTables)).toEqual(expected);
    }
    // After restoring v3, B's next backup builds on it and has nothing new.
    expect((await b.backups.backupNow()).skipped).toBe(true);
  });

  it('makes a full backup every N backups', async () => {
    const a = device(server);
    await seed(a, 5);
    await a.backups.configure({ fullEvery: 2 });
    const kinds: string[] = [];
    for (let i = 0; i < 4; i++) {
      await a.db.settings.put({ key: 'counter', value: i });
      await a.backups.backupNow();
      kinds.push((await a.backups.status()).last!.kind);
    }
    expect(kinds).toEqual(['full', 'incremental', 'full', 'incremental']);
  });

  it('keeps what another user uploaded out of reach', async () => {
    const a = device(server);
    await seed(a, 5);
    const made = await a.backups.backupNow();
    const m = device(server, { user: 'mallory' });
    expect((await m.backups.versions()).versions).toEqual([]);
    expect(await codeOf(m.backups.previewRestore(made.versionId!))).toBe('backup-version-unknown');
  });
});

describe('a backup that is damaged changes nothing', () => {
  it('refuses a chunk changed on the server, in verify and in restore, and leaves the device as it was', async () => {
    const a = device(server);
    const { recoveryKey } = await seed(a);
    const made = await a.backups.backupNow();
    expect(await a.backups.verify(made.versionId!)).toMatchObject({ ok: true });

    // Flip one byte of a stored chunk and fix up the server's own checksum, as an attacker would.
    const [row] = await server.db.query<{ idx: number; bytes: Uint8Array }>(
      'SELECT idx, bytes FROM backup_chunks WHERE version_id = $1 ORDER BY idx LIMIT 1',
      [made.versionId],
    );
    const bytes = Uint8Array.from(row!.bytes);
    bytes[40] = bytes[40]! ^ 1;
    const { createHash } = await import('node:crypto');
    await server.db.query(
      'UPDATE backup_chunks SET bytes = $1, sha256 = $2 WHERE version_id = $3 AND idx = 0',
      [bytes, createHash('sha256').update(bytes).digest('hex'), made.versionId],
    );
    const report = await a.backups.verify(made.versionId!);
    expect(report).toMatchObject({ ok: false, error: { code: 'backup-tampered' } });

    const b = device(server);
    await seed(b, 3);
    await b.backups.unlockBackups({ kind: 'recovery', recoveryKey });
    const before = await dump(b.db, backedUpTables);
    expect(await codeOf(b.backups.restore(made.versionId!))).toBe('backup-tampered');
    expect(await dump(b.db, backedUpTables)).toEqual(before);
  });

  it('refuses chunks swapped between positions or taken from another version', async () => {
    const a = device(server);
    await seed(a);
    const v1 = await a.backups.backupNow();
    await a.db.settings.put({ key: 'theme', value: 'light' });
    await a.backups.configure({ fullEvery: 1 });
    const v2 = await a.backups.backupNow();
    // Swap chunks 0 and 1 of v1, checksums and all (a reorder the server's own checks cannot see).
    await server.db
      .query(
        `UPDATE backup_chunks SET idx = CASE idx WHEN 0 THEN 1 WHEN 1 THEN 0 END
        WHERE version_id = $1 AND idx IN (0, 1)`,
        [v1.versionId],
      )
      .catch(async () => {
        // Some servers check the primary key per row: go through a spare index.
        await server.db.query('UPDATE backup_chunks SET idx = 999 WHERE version_id = $1 AND idx = 0', [
          v1.versionId,
        ]);
        await server.db.query('UPDATE backup_chunks SET idx = 0 WHERE version_id = $1 AND idx = 1', [
          v1.versionId,
        ]);
        await server.db.query('UPDATE backup_chunks SET idx = 1 WHERE version_id = $1 AND idx = 999', [
          v1.versionId,
        ]);
      });
    expect(await a.backups.verify(v1.versionId!)).toMatchObject({
      ok: false,
      error: { code: 'backup-tampered' },
    });
    // Replace v2's chunk 0 with v1's (same key, right position, wrong backup): the tag refuses it.
    await server.db.query(
      `UPDATE backup_chunks SET bytes = (SELECT bytes FROM backup_chunks WHERE version_id = $1 AND idx = 1),
              sha256 = (SELECT sha256 FROM backup_chunks WHERE version_id = $1 AND idx = 1)
        WHERE version_id = $2 AND idx = 0`,
      [v1.versionId, v2.versionId],
    );
    expect(await a.backups.verify(v2.versionId!)).toMatchObject({
      ok: false,
      error: { code: 'backup-tampered' },
    });
  });

  it('rolls the whole restore back when writing fails part-way', async () => {
    const a = device(server);
    const { recoveryKey } = await seed(a);
    const made = await a.backups.backupNow();
    const held: boolean[] = [];
    const b = device(server, { holdWrites: (hold) => held.push(hold) });
    await seed(b, 7);
    await b.backups.unlockBackups({ kind: 'recovery', recoveryKey });
    await b.backups.previewRestore(made.versionId!);
    const before = await dump(b.db, backedUpTables);
    // Every table before candleBlocks is cleared and rewritten before it fails.
    const proto = Object.getPrototypeOf(b.db.candleBlocks) as { bulkAdd: (...a: unknown[]) => unknown };
    const original = proto.bulkAdd;
    const spy = vi.spyOn(proto, 'bulkAdd').mockImplementation(function (this: { name: string }, ...args) {
      if (this.name === 'candleBlocks') return Promise.reject(new Error('disk full'));
      return original.apply(this, args);
    });
    try {
      await expect(b.backups.restore(made.versionId!)).rejects.toThrow('disk full');
    } finally {
      spy.mockRestore();
    }
    expect(await dump(b.db, backedUpTables)).toEqual(before);
    // The engine's own writers were held for the write and released when it failed.
    expect(held).toEqual([true, false]);
  });
});

describe('uploads that stop part-way', () => {
  it('resumes after a dropped connection, sending only the chunks the server lacks', async () => {
    const sent: number[] = [];
    let failAt: number | null = 2;
    const base = device(server);
    const wrapped = {
      ...base.transport,
      async putChunk(id: string, index: number, bytes: Uint8Array<ArrayBuffer>, sha: string) {
        if (index === failAt) {
          failAt = null;
          throw new EngineFailure({ code: 'backup-offline', message: 'offline', retryable: true });
        }
        sent.push(index);
        return base.transport.putChunk(id, index, bytes, sha);
      },
    };
    const a = device(server, {
      db: base.db,
      transport: wrapped,
      retry: { delaysMs: [], sleep: async () => undefined },
    });
    await seed(a);
    expect(await codeOf(a.backups.backupNow())).toBe('backup-offline');
    const status = await a.backups.status();
    expect(status.pending).toMatchObject({ chunksSent: 2 });
    expect(status.lastError?.code).toBe('backup-offline');
    expect((await a.backups.versions()).versions).toEqual([]);

    const resumed = await a.backups.backupNow();
    expect(resumed.versionId).toBe(status.pending!.versionId);
    const count = status.pending!.chunkCount;
    expect(sent).toEqual(Array.from({ length: count }, (_, i) => i));
    expect((await a.backups.status()).pending).toBeNull();
    expect(await a.db.backupOutbox.count()).toBe(0);
    expect(await a.backups.verify(resumed.versionId!)).toMatchObject({ ok: true });
  });

  it('says plainly when the server quota is full, and keeps the backup to retry', async () => {
    const small = await startServer({ quotaBytes: 2000 });
    try {
      const a = device(small);
      await seed(a);
      const failure = await a.backups.backupNow().catch((e: EngineFailure) => e.error);
      expect(failure).toMatchObject({ code: 'backup-quota' });
      expect((failure as { message: string }).message).toMatch(/MB/);
    } finally {
      await closeAll();
      await small.cleanup();
    }
  });

  it('cancels a backup that is running, and the next one starts clean', async () => {
    const a = device(server);
    await seed(a);
    const running = a.backups.backupNow();
    await a.backups.cancel();
    expect(await codeOf(running)).toBe('backup-cancelled');
    const next = await a.backups.backupNow();
    expect(await a.backups.verify(next.versionId!)).toMatchObject({ ok: true });
  });
});

/** Web Locks as one process sees them: a held name makes ifAvailable callers get null. */
class FakeLocks {
  readonly held = new Set<string>();
  readonly requests: Array<{ name: string; ifAvailable: boolean }> = [];
  async request(name: string, a: unknown, b?: unknown): Promise<unknown> {
    const options = (typeof a === 'function' ? {} : a) as { ifAvailable?: boolean };
    const callback = (typeof a === 'function' ? a : b) as (lock: { name: string } | null) => unknown;
    this.requests.push({ name, ifAvailable: options.ifAvailable === true });
    if (this.held.has(name)) {
      if (options.ifAvailable) return callback(null);
      throw new Error('this fake does not queue');
    }
    this.held.add(name);
    try {
      return await callback({ name });
    } finally {
      this.held.delete(name);
    }
  }
}

describe('automatic backups', () => {
  it('run when something changed, skip while another tab holds the backup lock, and back up by hand under it too', async () => {
    const locks = new FakeLocks();
    const a = device(server, { locks: locks as unknown as LockManager });
    await seed(a, 5);
    locks.held.add('lyra-backup');
    expect(await a.backups.autoBackup(true, true)).toBe('skipped');
    expect((await a.backups.versions()).versions).toHaveLength(0);
    locks.held.delete('lyra-backup');
    expect(await a.backups.autoBackup(false, true)).toBe('skipped');
    expect(await a.backups.autoBackup(true, false)).toBe('skipped');
    expect(await a.backups.autoBackup(true, true)).toBe('ran');
    expect((await a.backups.versions()).versions).toHaveLength(1);
    // Not due again until the interval has passed, even with changes.
    expect(await a.backups.autoBackup(true, true)).toBe('skipped');
    await a.backups.configure({ auto: false });
    expect(await a.backups.autoBackup(true, true)).toBe('skipped');
    await a.db.settings.put({ key: 'theme', value: 'light' });
    await a.backups.backupNow();
    expect(locks.requests.at(-1)).toEqual({ name: 'lyra-backup', ifAvailable: false });
    expect((await a.backups.versions()).versions).toHaveLength(2);
  });
});

describe('keys', () => {
  it('needs the vault, then an unlock once; after that backs up while the vault is locked', async () => {
    const a = device(server);
    expect(await codeOf(a.backups.backupNow())).toBe('backup-no-vault');
    await seed(a, 3);
    // The engine tells the backups each time the vault unlocks; the key is kept from then on.
    await a.backups.vaultUnlocked();
    await a.vault.lock();
    expect((await a.backups.status()).key).toBe('ready');
    const fresh = device(server, { db: a.db });
    expect((await fresh.backups.status()).key).toBe('ready');
    expect((await fresh.backups.backupNow()).skipped).toBe(false);
  });

  it('opens the backups on a new device with a passkey added to the vault (its PRF output)', async () => {
    const a = device(server);
    await seed(a, 3);
    const prf = crypto.getRandomValues(new Uint8Array(32));
    await a.vault.addPasskey({
      proof: { kind: 'passphrase', passphrase: 'correct horse battery staple' },
      credentialId: 'Y3JlZGVudGlhbC0x',
      prfSalt: 'c2FsdC1zYWx0LXNhbHQtc2FsdC0x',
      prfOutput: prf.slice(),
      label: 'Phone',
    });
    const made = await a.backups.backupNow();
    const b = device(server);
    const options = await b.backups.keyOptions();
    expect(options.passkeys.map((p) => [p.credentialId, p.label])).toEqual([['Y3JlZGVudGlhbC0x', 'Phone']]);
    const wrong = await b.backups
      .unlockBackups({ kind: 'passkey', credentialId: 'Y3JlZGVudGlhbC0x', prfOutput: new Uint8Array(32) })
      .catch((e: EngineFailure) => e.error);
    expect(wrong).toMatchObject({ code: 'backup-wrong-secret' });
    const given = prf.slice();
    await b.backups.unlockBackups({ kind: 'passkey', credentialId: 'Y3JlZGVudGlhbC0x', prfOutput: given });
    // The PRF bytes are zeroed once used.
    expect(given.every((x) => x === 0)).toBe(true);
    expect((await b.backups.versions()).versions[0]).toMatchObject({ id: made.versionId, readable: true });
  });

  it('refuses a recovery key from another vault with a plain message', async () => {
    const a = device(server);
    await seed(a, 3);
    await a.backups.backupNow();
    const other = device(server);
    const { recoveryKey } = await other.vault.setup('another long passphrase here');
    const b = device(server);
    const failure = await b.backups.unlockBackups({ kind: 'recovery', recoveryKey }).catch((e) => e.error);
    expect(failure).toMatchObject({ code: 'backup-wrong-secret' });
  });

  it('stores only a non-extractable backup key on the device', async () => {
    const a = device(server);
    await seed(a, 3);
    await a.backups.backupNow();
    const rows = await a.db.syncState.toArray();
    const keys = rows.map((r) => r.value).filter((v) => v instanceof CryptoKey);
    expect(keys).toHaveLength(1);
    expect(keys[0]!.extractable).toBe(false);
  });
});
