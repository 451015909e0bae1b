import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Dexie } from 'dexie';
import { backupFailure } from '../workers/sync/backup-errors.js';
import { BackupService } from '../workers/sync/backup-service.js';
import { backedUpTables, notBackedUp, type BackedUpTable } from '../workers/sync/backup-tables.js';
import type {
  BackupTransport,
  RemoteChunk,
  RemoteVersion,
  UploadStart,
} from '../workers/sync/backup-transport.js';
import type { CandleBlockRow, LyraDb } from '../workers/store/db.js';
import type { FillRecord } from '../workers/trading/types.js';
import { closeAll, freshDb, makeVault, PASSPHRASE } from '../workers/vault/test-vault.js';
import { mulberry32 } from './random.js';

/**
 * Backup and restore throughput, in MB/s of plaintext, of a store holding `candles` candles (as
 * 1,000-candle column blocks) and `fills` fills, plus a vault. Lyra: a full BackupService.backupNow()
 * (read, frames, gzip, AES-GCM chunks, outbox, upload) and a restore on a second fresh database
 * (download, verify, decrypt, decompress, parse, one-transaction write). Peer: dexie-export-import's
 * exportDB / importInto of the same tables. Both use fake-indexeddb in this process; the transport is
 * in memory, so the figure is the client engine's, not the server's or the network's.
 */
export interface BackupBenchOptions {
  candles: number;
  fills: number;
  rounds: number;
  seed: number;
}

const BLOCK = 1000;
const MB = 1e6;

// --- an in-memory server ------------------------------------------------------------------------

interface StoredChunk {
  bytes: Uint8Array;
  sha256: string;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The server's backup API (server/backups/README.md) kept in Maps: resumable uploads, per-chunk SHA-256
 * checked on arrival, completion checked against the chunk count, sizes and root hash, as the server does.
 */
class MemoryTransport implements BackupTransport {
  private readonly uploads = new Map<string, { start: UploadStart; chunks: Map<number, StoredChunk> }>();
  private readonly done = new Map<string, { version: RemoteVersion; chunks: Map<number, StoredChunk> }>();
  private readonly bundles = new Map<string, string>();
  private clock = Date.UTC(2026, 0, 1);

  list() {
    const versions = [...this.done.values()].map((v) => v.version);
    const usedBytes = versions.reduce((n, v) => n + v.totalBytes, 0);
    return Promise.resolve({ versions, usage: { usedBytes, quotaBytes: 10 * 1024 ** 3 } });
  }

  startUpload(start: UploadStart): Promise<RemoteChunk[]> {
    if (this.done.has(start.id)) throw backupFailure('backup-already-complete', 'Already complete.');
    if (start.kind === 'incremental' && !this.done.has(start.parentId ?? '')) {
      throw backupFailure('backup-parent-unknown', 'Unknown parent.');
    }
    const existing = this.uploads.get(start.id);
    if (!existing) this.uploads.set(start.id, { start, chunks: new Map() });
    const chunks = existing?.chunks ?? new Map<number, StoredChunk>();
    return Promise.resolve(
      [...chunks].map(([index, c]) => ({ index, size: c.bytes.length, sha256: c.sha256 })),
    );
  }

  putChunk(id: string, index: number, bytes: Uint8Array<ArrayBuffer>, sha256: string): Promise<void> {
    const upload = this.uploads.get(id);
    if (!upload) throw backupFailure('backup-upload-unknown', 'Unknown upload.');
    const actual = sha256Hex(bytes);
    if (actual !== sha256) throw backupFailure('backup-chunk-checksum', 'Chunk checksum mismatch.');
    const had = upload.chunks.get(index);
    if (had && had.sha256 !== actual)
      throw backupFailure('backup-chunk-conflict', 'Other bytes at this index.');
    // The server keeps its own copy of the body.
    upload.chunks.set(index, { bytes: bytes.slice(), sha256: actual });
    return Promise.resolve();
  }

  complete(id: string, c: { chunkCount: number; totalBytes: number; sha256: string; manifest: string }) {
    const upload = this.uploads.get(id);
    if (!upload) throw backupFailure('backup-upload-unknown', 'Unknown upload.');
    const root = createHash('sha256');
    let total = 0;
    for (let i = 0; i < c.chunkCount; i++) {
      const chunk = upload.chunks.get(i);
      if (!chunk) throw backupFailure('backup-chunks-missing', `Chunk ${i} missing.`);
      root.update(Buffer.from(chunk.sha256, 'hex'));
      total += chunk.bytes.length;
    }
    if (upload.chunks.size !== c.chunkCount) throw backupFailure('backup-chunks-unexpected', 'Extra chunks.');
    if (total !== c.totalBytes || root.digest('hex') !== c.sha256) {
      throw backupFailure('backup-checksum-mismatch', 'Sizes or root hash differ.');
    }
    const at = new Date(this.clock++).toISOString();
    const { start } = upload;
    this.done.set(id, {
      version: {
        id,
        kind: start.kind,
        parentId: start.parentId,
        format: start.format,
        dataKeyId: start.dataKeyId,
        chunkCount: c.chunkCount,
        totalBytes: total,
        sha256: c.sha256,
        createdAt: at,
        completedAt: at,
        manifest: c.manifest,
      },
      chunks: upload.chunks,
    });
    this.uploads.delete(id);
    return Promise.resolve();
  }

  chunk(id: string, index: number): Promise<{ bytes: Uint8Array; sha256: string | null }> {
    const chunk = this.done.get(id)?.chunks.get(index);
    if (!chunk) throw backupFailure('backup-chunk-unknown', 'Unknown chunk.');
    return Promise.resolve({ bytes: chunk.bytes, sha256: chunk.sha256 });
  }

  remove(id: string): Promise<void> {
    this.done.delete(id);
    return Promise.resolve();
  }

  putKeyBundle(dataKeyId: string, bundle: string): Promise<void> {
    this.bundles.set(dataKeyId, bundle);
    return Promise.resolve();
  }

  keyBundles(): Promise<Array<{ dataKeyId: string; bundle: string }>> {
    return Promise.resolve([...this.bundles].map(([dataKeyId, bundle]) => ({ dataKeyId, bundle })));
  }
}

// --- the store ------------------------------------------------------------------------------------

const markets: Array<{ symbol: string; price: number; tick: number; volume: number }> = [
  { symbol: 'BTC/USDT', price: 60_000, tick: 0.01, volume: 20 },
  { symbol: 'ETH/USDT', price: 3_000, tick: 0.01, volume: 200 },
  { symbol: 'SOL/USDT', price: 150, tick: 0.01, volume: 3_000 },
  { symbol: 'BNB/USDT', price: 550, tick: 0.1, volume: 400 },
  { symbol: 'XRP/USDT', price: 0.6, tick: 0.0001, volume: 500_000 },
  { symbol: 'ADA/USDT', price: 0.45, tick: 0.0001, volume: 400_000 },
  { symbol: 'DOGE/USDT', price: 0.12, tick: 0.00001, volume: 2_000_000 },
  { symbol: 'LINK/USDT', price: 15, tick: 0.001, volume: 20_000 },
];

function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

const roundTo = (x: number, step: number) => Math.round(x / step) * step;
const round = (x: number, digits: number) => Number(x.toFixed(digits));
const decimals = (tick: number) => Math.max(0, Math.round(-Math.log10(tick)));

/** 1-minute candles as a random walk on each market's tick grid, in blocks of 1,000 per market. */
function* candleBlocks(candles: number, seed: number): Generator<CandleBlockRow[]> {
  const rand = mulberry32(seed);
  const z = gaussian(rand);
  const blocks = Math.ceil(candles / BLOCK);
  const t0 = Date.UTC(2024, 0, 1);
  const perMarket = Math.ceil(blocks / markets.length);
  let made = 0;
  for (const m of markets) {
    const d = decimals(m.tick);
    let close = m.price;
    let batch: CandleBlockRow[] = [];
    for (let b = 0; b < perMarket && made < blocks; b++, made++) {
      const n = Math.min(BLOCK, candles - made * BLOCK);
      const start = t0 + b * BLOCK * 60_000;
      const time = new Float64Array(n);
      const open = new Float64Array(n);
      const high = new Float64Array(n);
      const low = new Float64Array(n);
      const closes = new Float64Array(n);
      const volume = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const o = close;
        close = round(Math.max(m.tick, roundTo(o * Math.exp(0.0008 * z()), m.tick)), d);
        time[i] = start + i * 60_000;
        open[i] = o;
        closes[i] = close;
        high[i] = round(roundTo(Math.max(o, close) * (1 + Math.abs(0.0004 * z())), m.tick), d);
        low[i] = round(roundTo(Math.min(o, close) * (1 - Math.abs(0.0004 * z())), m.tick), d);
        volume[i] = round(m.volume * Math.exp(0.8 * z()), 5);
      }
      batch.push({
        exchange: 'binance',
        symbol: m.symbol,
        timeframe: '1m',
        start,
        time,
        open,
        high,
        low,
        close: closes,
        volume,
      });
      if (batch.length === 100) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }
}

/** Fills as the paper desk writes them: `${orderId}:${filled}` ids, decimal strings. */
function makeFills(count: number, seed: number): FillRecord[] {
  const rand = mulberry32(seed + 1);
  const t0 = Date.UTC(2024, 0, 1);
  const id = () => `ly${Array.from({ length: 18 }, () => Math.floor(rand() * 36).toString(36)).join('')}`;
  const out: FillRecord[] = [];
  let orderId = id();
  let filled = 0;
  for (let i = 0; i < count; i++) {
    // About three fills an order.
    if (rand() < 0.35) {
      orderId = id();
      filled = 0;
    }
    const m = markets[Math.floor(rand() * markets.length)]!;
    const d = decimals(m.tick);
    const price = round(roundTo(m.price * (1 + 0.05 * (rand() - 0.5)), m.tick), d);
    const amount = round((m.volume / 50) * (0.01 + rand()), 5) || 0.00001;
    filled = round(filled + amount, 5);
    const quote = price * amount;
    out.push({
      id: `${orderId}:${filled}`,
      orderId,
      accountId: rand() < 0.8 ? 'paper:binance' : 'live:binance:main',
      symbol: m.symbol,
      side: rand() < 0.5 ? 'buy' : 'sell',
      price: String(price),
      amount: String(amount),
      quote: String(round(quote, 8)),
      fee: String(round(quote * 0.001, 8)),
      feeAsset: 'USDT',
      liquidity: rand() < 0.6 ? 'taker' : 'maker',
      time: t0 + i * 7_000,
    });
  }
  return out;
}

async function fillStore(db: LyraDb, o: BackupBenchOptions): Promise<void> {
  for (const batch of candleBlocks(o.candles, o.seed)) await db.candleBlocks.bulkPut(batch);
  // One transaction, in bulkPuts of 10,000: fake-indexeddb's request queue costs O(queued) per request
  // (Array.shift), so a single 100,000-row bulkPut takes about four times as long.
  const fills = makeFills(o.fills, o.seed);
  await db.transaction('rw', db.fills, async () => {
    for (let i = 0; i < fills.length; i += 10_000) await db.fills.bulkPut(fills.slice(i, i + 10_000));
  });
}

/** The restored database holds the same rows: counts, and a random candle block and fill deep-equal. */
async function checkSame(from: LyraDb, to: LyraDb, who: string, rand: () => number): Promise<void> {
  const fail = (what: string) => {
    throw new Error(`${who}: ${what} differs after the round trip: the benchmark is invalid`);
  };
  for (const name of backedUpTables) {
    if ((await from.table(name).count()) !== (await to.table(name).count())) fail(`${name} count`);
  }
  const keys = await from.candleBlocks.toCollection().primaryKeys();
  const key = keys[Math.floor(rand() * keys.length)]!;
  const block = await to.candleBlocks.get(key);
  if (
    !(block?.close instanceof Float64Array) ||
    !isDeepStrictEqual(block, await from.candleBlocks.get(key))
  ) {
    fail(`candle block ${JSON.stringify(key)}`);
  }
  const fillIds = await from.fills.toCollection().primaryKeys();
  const fillId = fillIds[Math.floor(rand() * fillIds.length)]!;
  if (!isDeepStrictEqual(await to.fills.get(fillId), await from.fills.get(fillId))) fail(`fill ${fillId}`);
}

// --- the peer on Node -----------------------------------------------------------------------------

/**
 * dexie-export-import expects a browser: `self` (read when the module loads) and FileReader (to read the
 * Blob it imports). Node 20 has Blob but neither of those; these two shims are all it needs.
 */
async function loadPeer() {
  const g = globalThis as Record<string, unknown>;
  g.self ??= globalThis;
  g.FileReader ??= class {
    result: ArrayBuffer | null = null;
    error: unknown = null;
    onload: ((ev: { target: unknown }) => void) | null = null;
    onerror: ((ev: { target: unknown }) => void) | null = null;
    onabort: (() => void) | null = null;
    readAsArrayBuffer(blob: Blob) {
      blob.arrayBuffer().then(
        (buf) => {
          this.result = buf;
          this.onload?.({ target: this });
        },
        (e: unknown) => {
          this.error = e;
          this.onerror?.({ target: this });
        },
      );
    }
  };
  return import('dexie-export-import');
}

// --- the benchmark --------------------------------------------------------------------------------

const seconds = (t0: number) => (performance.now() - t0) / 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function drop(db: LyraDb): Promise<void> {
  db.close();
  await Dexie.delete(db.name);
}

export async function benchBackupThroughput(o: BackupBenchOptions) {
  const rand = mulberry32(o.seed + 2);
  const noSleep = { delaysMs: [0], sleep: async () => undefined };
  let t = performance.now();
  const source = freshDb();
  const vault = makeVault({ db: source });
  // One PBKDF2, untimed; the vault's tables are part of the backup.
  const { recoveryKey } = await vault.setup(PASSPHRASE);
  await fillStore(source, o);
  const setupSeconds = seconds(t);

  const transport = new MemoryTransport();
  const a = new BackupService({ db: source, transport, vault, deviceName: 'Bench', retry: noSleep });
  // Every round's backup is a full one (an unchanged store would otherwise skip).
  await a.configure({ fullEvery: 1 });
  const { exportDB, importInto } = await loadPeer();
  const only = (table: string) => backedUpTables.includes(table as BackedUpTable);
  const times = {
    backup: [] as number[],
    restore: [] as number[],
    export: [] as number[],
    import: [] as number[],
  };
  let plainBytes = 0;
  let storedBytes = 0;
  let exportBytes = 0;
  for (let r = 0; r < o.rounds; r++) {
    // Lyra: a full backup to the in-memory server, then a restore on a new device.
    t = performance.now();
    const made = await a.backupNow();
    times.backup.push(seconds(t));
    if (!made.versionId) throw new Error('The backup was skipped: the benchmark is invalid');
    // The backup key is kept on the device now; locking also stops the vault's idle timer.
    await vault.lock();
    const listed = (await a.versions()).versions.find((v) => v.id === made.versionId);
    if (!listed?.plainBytes || !listed.storedBytes || (plainBytes && listed.plainBytes !== plainBytes)) {
      throw new Error('The backup has no size, or another one than the last round: the benchmark is invalid');
    }
    plainBytes = listed.plainBytes;
    storedBytes = listed.storedBytes;

    const restored = freshDb();
    const b = new BackupService({
      db: restored,
      transport,
      vault: { backupKey: () => null },
      deviceName: 'Bench restore',
      retry: noSleep,
    });
    await b.unlockBackups({ kind: 'recovery', recoveryKey });
    t = performance.now();
    await b.previewRestore(made.versionId);
    await b.restore(made.versionId);
    times.restore.push(seconds(t));
    await checkSame(source, restored, 'Lyra restore', rand);
    await drop(restored);
    await transport.remove(made.versionId);

    // Peer: dexie-export-import on the same tables of the same database.
    t = performance.now();
    const blob = await exportDB(source, { skipTables: [...notBackedUp], filter: only });
    times.export.push(seconds(t));
    exportBytes = blob.size;
    const imported = freshDb();
    t = performance.now();
    await importInto(imported, blob, { acceptNameDiff: true, filter: only });
    times.import.push(seconds(t));
    await checkSame(source, imported, 'dexie-export-import', rand);
    await drop(imported);
  }
  await closeAll();

  const plainMB = plainBytes / MB;
  const rate = (xs: number[]) => plainMB / median(xs);
  const lyra = { backup: rate(times.backup), restore: rate(times.restore) };
  const peer = { export: rate(times.export), import: rate(times.import) };
  const r2 = (x: number) => Number(x.toFixed(2));
  return {
    name: 'backup-throughput',
    unit: 'MB/s of plaintext (MB = 10^6 bytes), median of rounds',
    candles: o.candles,
    fills: o.fills,
    params: { ...o, candleBlocks: Math.ceil(o.candles / BLOCK), setupSeconds: r2(setupSeconds) },
    lyra: {
      backupMBps: r2(lyra.backup),
      restoreMBps: r2(lyra.restore),
      plainMB: r2(plainMB),
      storedMB: r2(storedBytes / MB),
      compressionRatio: r2(plainBytes / storedBytes),
      backupSeconds: times.backup.map(r2),
      restoreSeconds: times.restore.map(r2),
    },
    peer: {
      name: 'dexie-export-import',
      exportMBps: r2(peer.export),
      importMBps: r2(peer.import),
      exportMB: r2(exportBytes / MB),
      exportSeconds: times.export.map(r2),
      importSeconds: times.import.map(r2),
    },
    ratio: { backup: r2(lyra.backup / peer.export), restore: r2(lyra.restore / peer.import) },
    note:
      'Both sides on fake-indexeddb in one Node process. Lyra: BackupService.backupNow(), a full backup (read, ' +
      'frames, gzip, AES-GCM chunks, outbox, upload), and previewRestore + restore on a fresh database ' +
      '(download, sha256 and tag checks, decrypt, decompress, parse, one-transaction write), against an ' +
      "in-memory transport that checks each chunk's sha256 and the root hash like the server: no HTTP, no " +
      'PGlite. The peer (exportDB / importInto, backed-up tables only) writes plain JSON: no compression, no ' +
      "encryption. Both sides' MB/s divide the same plaintext (Lyra's manifest plainBytes) by their own time, " +
      'so the ratio compares time for the same data. fake-indexeddb is not a browser: absolute MB/s in ' +
      'Chromium differ; the ratio is the figure to watch.',
  };
}
