import type { Transaction } from 'dexie';
import { chainExistingAudit, type AuditTable, type StateTable } from '../audit/audit-chain.js';

export interface SchemaVersion {
  version: number;
  stores: Readonly<Record<string, string>>;
  /** Rewrites rows the version's change concerns, inside Dexie's upgrade transaction (only when upgrading). */
  upgrade?: (tx: Transaction) => Promise<void>;
}

/**
 * IndexedDB schema versions. Append a new entry for every change; never edit a published one (users'
 * databases were created from it). Each new version gets an upgrade test that seeds the previous one.
 */
export const schemaVersions: ReadonlyArray<SchemaVersion> = [
  {
    version: 1,
    stores: {
      markets: '[exchange+symbol], exchange',
      // Candles are column chunks (one row per block of up to 1,000 candles), never a row per candle.
      candleBlocks: '[exchange+symbol+timeframe+start]',
      books: '[exchange+symbol]',
      tickers: '[exchange+symbol], exchange',
      tapes: '[exchange+symbol]',
      settings: 'key',
    },
  },
  {
    version: 2,
    stores: {
      // The trading engine. Orders are keyed by their client order id: written before they are sent.
      accounts: 'id, exchange',
      orders: 'id, status, accountId, symbol, updatedAt',
      fills: 'id, orderId, accountId, symbol, time',
      positions: '[accountId+symbol], accountId',
      closedTrades: 'id, accountId, time',
      algos: 'id, status, accountId',
      // Append-only: entries are added in the same transaction as the change they explain, never edited.
      audit: '++seq, time, kind, orderId, symbol',
      tradingState: 'key',
    },
  },
  {
    version: 3,
    stores: {
      // The vault: the data key wrapped once per way to unlock it, encrypted exchange credentials, and
      // the vault's own state (failed tries, auto-lock). Nothing in these tables is a secret in clear.
      vaultKeys: 'id, kind',
      exchangeAccounts: 'id, exchange',
      vaultState: 'key',
    },
  },
  {
    version: 4,
    stores: {
      // The paper twin of every live order: what paper would have filled, next to what the exchange did.
      twins: 'orderId, accountId, startedAt',
    },
  },
  {
    version: 5,
    stores: {
      // Backups: this device's bookkeeping (settings, the backup key, what the last backup held) and the
      // sealed chunks of an upload in progress, so it resumes after a dropped connection or a reload.
      // Neither table is itself backed up.
      syncState: 'key',
      backupOutbox: '[uploadId+index], uploadId',
    },
  },
  {
    version: 6,
    stores: {
      // The portfolio: equity snapshots per account as column chunks (one row per block of up to 1,000
      // points, never a row per point), and the deposits and withdrawals that are not performance.
      equityBlocks: '[accountId+start], accountId',
      cashFlows: 'id, accountId, time',
      // Running totals derived from other tables (fees paid per account), so a screen opens without
      // reading every fill; checked against the fills and rebuilt when they disagree. Not backed up.
      portfolioCache: 'key',
    },
  },
  {
    version: 7,
    stores: {
      // Research: bars a backtest runs on (an imported CSV or downloaded history), one row per dataset
      // with its columns as typed arrays, and the strategies running live with what they have done.
      datasets: 'id, createdAt',
      strategyRuns: 'id, status',
    },
  },
  {
    version: 8,
    stores: {
      // Alerts: the rules the user set (with their armed/disarmed state, so a reload does not fire a
      // crossing twice) and every firing. Imports: trades brought in from other exchanges' CSV exports,
      // kept apart from the trading engine's own fills, one row per import file for undo and listing.
      alerts: 'id, status, symbol',
      alertFirings: 'id, alertId, time',
      imports: 'id, createdAt',
      importedFills: 'id, importId, accountId, symbol, time',
    },
    // The audit log becomes a hash chain: entries written before it are chained in sequence order.
    upgrade: (tx) =>
      chainExistingAudit(tx.table('audit') as AuditTable, tx.table('tradingState') as StateTable),
  },
];
