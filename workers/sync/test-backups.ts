/** Test helpers: devices (a fresh IndexedDB + vault each) backing up to the real backup router. */
import 'fake-indexeddb/auto';
import { migrate } from '../../server/db/migrate.js';
import { openTestDb } from '../../server/db/test-support.js';
import { addUser, buildApp, type TestBackups } from '../../server/backups/test-support.js';
import type { BackupConfig } from '../../server/config.js';
import type { Db } from '../../server/db/db.js';
import { appendAudit } from '../audit/audit-chain.js';
import type { LyraDb } from '../store/db.js';
import type { VaultService } from '../vault/vault-service.js';
import { freshDb, makeVault, PASSPHRASE } from '../vault/test-vault.js';
import { BackupService, type BackupServiceDeps } from './backup-service.js';
import { httpTransport, type BackupTransport } from './backup-transport.js';

export interface TestServer extends TestBackups {
  db: Db;
  cleanup: () => Promise<void>;
  /** The fetch a device uses: the router in process, signed in as `user`. */
  fetchAs(user: string): (input: string, init?: RequestInit) => Promise<Response>;
}

export async function startServer(config: Partial<BackupConfig> = {}): Promise<TestServer> {
  const { db, cleanup } = await openTestDb();
  await migrate(db);
  await addUser(db, 'alice');
  await addUser(db, 'mallory');
  const built = buildApp(db, config);
  return {
    ...built,
    db,
    cleanup,
    fetchAs: (user) => async (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('x-test-user', user);
      return built.app.request(input, { ...init, headers });
    },
  };
}

export interface Device {
  db: LyraDb;
  vault: VaultService;
  backups: BackupService;
  transport: BackupTransport;
}

export function device(
  server: TestServer,
  overrides: Partial<BackupServiceDeps> & { user?: string; db?: LyraDb } = {},
): Device {
  const db = overrides.db ?? freshDb();
  const vault = makeVault({ db });
  const transport =
    overrides.transport ?? httpTransport('http://lyra.test', server.fetchAs(overrides.user ?? 'alice'));
  const backups = new BackupService({
    db,
    transport,
    vault,
    deviceName: 'Test device',
    chunkBytes: 4096,
    retry: { delaysMs: [0], sleep: async () => undefined },
    ...overrides,
  });
  return { db, vault, backups, transport };
}

/** Sets up the vault and fills the tables a trader would have, including typed-array candle blocks. */
export async function seed(d: Device, rows = 200): Promise<{ recoveryKey: string }> {
  const { recoveryKey } = await d.vault.setup(PASSPHRASE);
  const t0 = Date.UTC(2026, 0, 1);
  await d.db.settings.bulkPut([
    { key: 'theme', value: 'dark' },
    { key: 'layout', value: { panes: [1, 2, 3], big: 10n ** 20n, at: new Date(t0) } },
  ]);
  await d.db.orders.bulkPut(
    Array.from({ length: rows }, (_, i) => ({
      id: `ord${String(i).padStart(5, '0')}`,
      accountId: 'paper:binance',
      symbol: i % 2 ? 'BTC/USDT' : 'ETH/USDT',
      status: i % 3 ? 'filled' : 'open',
      amount: `0.${i + 1}`,
      price: `${100 + i}.25`,
      updatedAt: t0 + i,
    })) as never,
  );
  await d.db.fills.bulkPut(
    Array.from({ length: rows * 2 }, (_, i) => ({
      id: `fill${i}`,
      orderId: `ord${String(i >> 1).padStart(5, '0')}`,
      accountId: 'paper:binance',
      symbol: 'BTC/USDT',
      price: `${100 + (i % 17)}.5`,
      amount: '0.01',
      time: t0 + i,
    })) as never,
  );
  // Chained, with its head, as every log is since schema 8 (a restore chains an unhashed one).
  await d.db.transaction('rw', d.db.audit, d.db.tradingState, () =>
    appendAudit(
      d.db.audit,
      d.db.tradingState,
      Array.from({ length: 20 }, (_, i) => ({
        time: t0 + i,
        kind: 'order',
        orderId: `ord${i}`,
        symbol: 'BTC/USDT',
      })) as never,
    ),
  );
  const n = 1000;
  const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  await d.db.candleBlocks.bulkPut(
    [0, 1, 2].map((b) => ({
      exchange: 'binance',
      symbol: 'BTC/USDT',
      timeframe: '1m' as const,
      start: t0 + b * n * 60_000,
      time: col((i) => t0 + (b * n + i) * 60_000),
      open: col((i) => 100 + Math.sin(i) * 3),
      high: col((i) => 104 + Math.sin(i)),
      low: col((i) => 96 - Math.cos(i)),
      close: col((i) => 100 + Math.cos(i) * 2),
      volume: col((i) => (i * 7919) % 101),
    })),
  );
  // Caches a backup leaves out.
  await d.db.tickers.put({ exchange: 'binance', symbol: 'BTC/USDT', last: 1 } as never);
  return { recoveryKey };
}

/** Every backed-up table's rows, for comparing two devices. */
export async function dump(db: LyraDb, tables: readonly string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of tables) out[t] = await db.table(t).toArray();
  return out;
}
