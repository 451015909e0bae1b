import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kekFromSecretBytes, unwrapDataKey } from '../vault/key-wrapping.js';
import { parseRecoveryKey } from '../vault/recovery-key.js';
import { closeAll, PASSPHRASE } from '../vault/test-vault.js';
import type { RecoveryKeyRecord } from '../vault/vault-records.js';
import { decodeKeyBundle } from './backup-key.js';
import { backedUpTables, notBackedUp } from './backup-tables.js';
import { readBackedUpTables } from './read-tables.js';
import { snapshotSegments, type SnapshotResult } from './snapshot.js';
import { device, seed, startServer, type Device, type TestServer } from './test-backups.js';
import { concatBytes } from './concat-bytes.js';

/**
 * The server stores only ciphertext: what it keeps of a backup is indistinguishable from random to it.
 * Each detector is first run on the backup's plaintext (a control), to show it would see a leak.
 */

const enc = new TextEncoder();

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle) >= 0;
}

function count(haystack: Uint8Array, needle: Uint8Array): number {
  const buf = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength);
  let n = 0;
  for (let at = buf.indexOf(needle); at >= 0; at = buf.indexOf(needle, at + 1)) n++;
  return n;
}

/** Pearson's chi-square statistic of the byte frequencies against a uniform distribution (255 dof). */
function chiSquare(bytes: Uint8Array): number {
  const counts = new Array<number>(256).fill(0);
  for (const b of bytes) counts[b]!++;
  const expected = bytes.length / 256;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}
/**
 * The 1 - 1e-6 quantile of chi-square with 255 degrees of freedom: above it, "not uniform" at
 * p = 0.000001, so random bytes fail this test about once in a million runs, not once in a thousand.
 * Plaintext and compressed-but-unencrypted data land far above it (thousands).
 */
const CHI2_255_P1E6 = 377.2;

/** Text that would give away what a backup holds, if the server could read it. */
const needles = [
  ...backedUpTables,
  ...notBackedUp,
  'BTC/USDT',
  'ETH/USDT',
  'paper:binance',
  'ord0000',
  'fill1',
  'binance',
  'Test device',
  'theme',
  PASSPHRASE,
];
/** JSON text: row keys travel as JSON inside the plaintext (e.g. `"ord00003"`, `["binance","BTC/USDT",…]`). */
const jsonNeedles = ['"ord0', '["binance"', '"theme"', '{"', '":'];

/**
 * Two-byte JSON marks ('{"', '":') turn up by chance in random bytes about once per 64 KiB, so for them
 * the check is that they are no more frequent than chance (mean + 6 sigma); a plaintext full of JSON
 * keys would have thousands. Longer needles must not appear at all.
 */
function leaks(bytes: Uint8Array): string[] {
  const found: string[] = [];
  for (const n of [...needles, ...jsonNeedles]) {
    const needle = enc.encode(n);
    if (needle.length <= 2) {
      const mean = bytes.length / 256 ** needle.length;
      if (count(bytes, needle) > mean + 6 * Math.sqrt(mean) + 1) found.push(n);
    } else if (contains(bytes, needle)) {
      found.push(n);
    }
  }
  return found;
}

const gzipRatio = (bytes: Uint8Array) => gzipSync(bytes).length / bytes.length;

let server: TestServer;
let a: Device;
let recoveryKey: string;
let plaintext: Uint8Array;
let versionIds: string[];
beforeAll(async () => {
  server = await startServer({ quotaBytes: 64 * 1024 * 1024 });
  a = device(server);
  ({ recoveryKey } = await seed(a, 200));
  // The plaintext a full backup seals (the control for every detector).
  const result: SnapshotResult = { index: {}, stats: {}, plainBytes: 0, rowsDone: 0 };
  plaintext = concatBytes([...snapshotSegments(await readBackedUpTables(a.db), null, result)]);
  const full = await a.backups.backupNow();
  server.clock.now += 60_000;
  await a.db.orders.update('ord00004', { status: 'cancelled' });
  await a.db.orders.delete('ord00005');
  await a.db.settings.put({ key: 'theme', value: 'light' });
  const incremental = await a.backups.backupNow();
  versionIds = [full.versionId!, incremental.versionId!];
});
afterAll(async () => {
  await closeAll();
  await server.cleanup();
});

interface ChunkRow {
  version_id: string;
  idx: number;
  size: number;
  sha256: string;
  bytes: Uint8Array;
}

async function storedChunks(): Promise<ChunkRow[]> {
  return server.db.query<ChunkRow>('SELECT * FROM backup_chunks ORDER BY version_id, idx');
}

async function storedVersions(): Promise<Array<Record<string, unknown>>> {
  return server.db.query<Record<string, unknown>>('SELECT * FROM backup_versions ORDER BY created_at, id');
}

describe('the server stores only ciphertext', () => {
  it('the detectors see the plaintext for what it is (control)', () => {
    expect(plaintext.length).toBeGreaterThan(64 * 1024);
    expect(leaks(plaintext)).toEqual(
      expect.arrayContaining(['orders', 'BTC/USDT', 'paper:binance', '"ord0']),
    );
    expect(chiSquare(plaintext)).toBeGreaterThan(CHI2_255_P1E6);
    expect(gzipRatio(plaintext)).toBeLessThan(0.99);
    expect([...gzipSync(plaintext).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
  });

  it('keeps chunks and manifests that show no table, value or JSON, and look random', async () => {
    const chunks = await storedChunks();
    const versions = await storedVersions();
    expect(new Set(chunks.map((c) => c.version_id))).toEqual(new Set(versionIds));
    const manifests = versions.map((v) => v.manifest as Uint8Array);
    expect(manifests).toHaveLength(2);

    for (const c of chunks) {
      expect(leaks(c.bytes), `chunk ${c.idx} of ${c.version_id}`).toEqual([]);
      // No gzip header (1f 8b, then 08 for deflate) in clear at the start of any chunk.
      expect([...c.bytes.subarray(0, 3)], `chunk ${c.idx}`).not.toEqual([0x1f, 0x8b, 0x08]);
      expect(c.size).toBe(c.bytes.length);
      expect(c.sha256).toBe(createHash('sha256').update(c.bytes).digest('hex'));
    }
    for (const m of manifests) {
      expect(leaks(m)).toEqual([]);
      expect([...m.subarray(0, 3)]).not.toEqual([0x1f, 0x8b, 0x08]);
    }

    const all = concatBytes([...chunks.map((c) => c.bytes), ...manifests]);
    expect(all.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(leaks(all)).toEqual([]);
    expect(chiSquare(all)).toBeLessThan(CHI2_255_P1E6);
    expect(gzipRatio(all)).toBeGreaterThanOrEqual(0.99);
  });

  it('keeps only metadata in backup_versions: ids, kind, sizes, checksums, times, format, key id', async () => {
    const versions = await storedVersions();
    const chunks = await storedChunks();
    const dataKeyId = (await a.db.vaultKeys.limit(1).first())!.dataKeyId;
    expect(Object.keys(versions[0]!).sort()).toEqual(
      [
        'chunk_count',
        'completed_at',
        'created_at',
        'data_key_id',
        'format',
        'id',
        'kind',
        'manifest',
        'parent_id',
        'planned_bytes',
        'sha256',
        'status',
        'total_bytes',
        'touched_at',
        'user_id',
      ].sort(),
    );
    const [full, incremental] = versions as Array<Record<string, unknown>>;
    expect(full).toMatchObject({ id: versionIds[0], kind: 'full', parent_id: null });
    expect(incremental).toMatchObject({ id: versionIds[1], kind: 'incremental', parent_id: versionIds[0] });
    for (const v of versions) {
      const own = chunks.filter((c) => c.version_id === v.id);
      expect(v).toMatchObject({ user_id: 'alice', format: 1, data_key_id: dataKeyId, status: 'complete' });
      expect(v.id).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
      expect(Number(v.chunk_count)).toBe(own.length);
      expect(Number(v.total_bytes)).toBe(own.reduce((n, c) => n + c.size, 0));
      expect(Number(v.planned_bytes)).toBeGreaterThanOrEqual(0);
      const root = createHash('sha256')
        .update(Buffer.concat(own.map((c) => createHash('sha256').update(c.bytes).digest())))
        .digest('hex');
      expect(v.sha256).toBe(root);
      for (const t of ['created_at', 'touched_at', 'completed_at']) expect(v[t]).toBeInstanceOf(Date);
      expect(v.manifest).toBeInstanceOf(Uint8Array);
      // Nothing readable in any text column either.
      const text = enc.encode(
        Object.entries(v)
          .filter(([k]) => k !== 'manifest')
          .map(([, x]) => String(x))
          .join('|'),
      );
      expect(leaks(text).filter((n) => n.length > 2)).toEqual([]);
    }
  });

  it('keeps a key bundle with the high-entropy wraps only: no passphrase wrap, no data key, no tables', async () => {
    const rows = await server.db.query<{ bundle: Uint8Array; data_key_id: string }>(
      'SELECT bundle, data_key_id FROM backup_key_bundles',
    );
    expect(rows).toHaveLength(1);
    const raw = rows[0]!.bundle;
    expect(leaks(raw).filter((n) => n.length > 2)).toEqual([]);

    const bundle = decodeKeyBundle(raw);
    expect(bundle).not.toBeNull();
    expect(bundle!.dataKeyId).toBe(rows[0]!.data_key_id);
    expect(bundle!.records.length).toBeGreaterThan(0);
    expect(bundle!.records.every((r) => r.kind === 'recovery' || r.kind === 'prf')).toBe(true);
    expect(bundle!.records.map((r) => r.kind as string)).not.toContain('passphrase');
    expect(contains(raw, enc.encode('passphrase'))).toBe(false);

    // The passphrase-wrapped record of the vault (attackable offline by guessing) is not in it.
    const records = await a.db.vaultKeys.toArray();
    const passphraseRecord = records.find((r) => r.kind === 'passphrase');
    expect(passphraseRecord).toBeDefined();
    expect(contains(raw, enc.encode(passphraseRecord!.wrapped))).toBe(false);
    expect(contains(raw, enc.encode(JSON.stringify(passphraseRecord!.kdf)))).toBe(false);

    // Nor is the data key itself, raw or as base64: unwrap it with the recovery key to know it.
    const recovery = bundle!.records.find((r): r is RecoveryKeyRecord => r.kind === 'recovery')!;
    const kek = await kekFromSecretBytes(await parseRecoveryKey(recoveryKey), recovery.kdf);
    const dataKey = await unwrapDataKey(recovery.wrapped, kek, true);
    expect(dataKey).not.toBeNull();
    const keyBytes = new Uint8Array(await crypto.subtle.exportKey('raw', dataKey!));
    expect(keyBytes.length).toBe(32);
    const forms = [
      keyBytes,
      enc.encode(Buffer.from(keyBytes).toString('base64url')),
      enc.encode(Buffer.from(keyBytes).toString('base64')),
      enc.encode(Buffer.from(keyBytes).toString('hex')),
    ];
    const stored = concatBytes([raw, ...(await storedChunks()).map((c) => c.bytes)]);
    for (const f of forms) expect(contains(stored, f)).toBe(false);
  });
});
