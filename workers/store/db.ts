import { Dexie, type Table } from 'dexie';
import type { MarketInfo, TickerInfo } from '../market/types.js';
import type { TapeTrade } from '../market/trade-tape.js';
import type { Timeframe } from '../market/timeframes.js';
import type {
  AlgoRecord,
  AuditEntry,
  ClosedTrade,
  FillRecord,
  OrderRecord,
  PaperAccount,
  PositionRecord,
} from '../trading/types.js';
import type { CashFlow } from '../trading/portfolio/api.js';
import type { TwinRecord } from '../trading/twin/twin-record.js';
import type { ExchangeAccountRow, VaultStateRow, WrappedKeyRecord } from '../vault/vault-records.js';
import type { DatasetSummary } from '../research/api.js';
import type { StrategyRunView } from '../trading/strategies/api.js';
import type { AlertFiringRow, AlertRow } from '../alerts/rows.js';
import type { ImportedFillRow, ImportRow } from '../reports/rows.js';
import { schemaVersions } from './schema.js';

export interface MarketRow extends MarketInfo {
  exchange: string;
}

export interface CandleBlockRow {
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
  /** Open time of the block's first possible candle. */
  start: number;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export interface BookRow {
  exchange: string;
  symbol: string;
  time: number;
  nonce: number;
  bids: Float64Array;
  asks: Float64Array;
  bidLevels: number;
  askLevels: number;
  savedAt: number;
}

export interface TickerRow extends TickerInfo {
  exchange: string;
}

export interface TapeRow {
  exchange: string;
  symbol: string;
  trades: TapeTrade[];
}

export interface SettingRow {
  key: string;
  value: unknown;
}

export interface SyncStateRow {
  key: string;
  value: unknown;
}

export interface OutboxChunkRow {
  uploadId: string;
  index: number;
  bytes: Uint8Array<ArrayBuffer>;
  sha256: string;
}

/** One account's equity snapshots, a column chunk of up to 1,000 points, in the valuation currency. */
export interface EquityBlockRow {
  accountId: string;
  /** Time of the block's first point; the key with the account. */
  start: number;
  time: Float64Array;
  equity: Float64Array;
}

/** A deposit or a withdrawal as stored: exactly what the portfolio API returns. */
export type CashFlowRow = CashFlow;

/** A research dataset: its summary and its bars as columns (oldest first). */
export interface DatasetRow extends DatasetSummary {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** A live strategy run as stored: what the screen shows, so a reload resumes it. */
export type StrategyRunRow = StrategyRunView;

export class LyraDb extends Dexie {
  markets!: Table<MarketRow, [string, string]>;
  candleBlocks!: Table<CandleBlockRow, [string, string, string, number]>;
  books!: Table<BookRow, [string, string]>;
  tickers!: Table<TickerRow, [string, string]>;
  tapes!: Table<TapeRow, [string, string]>;
  settings!: Table<SettingRow, string>;
  accounts!: Table<PaperAccount, string>;
  orders!: Table<OrderRecord, string>;
  fills!: Table<FillRecord, string>;
  positions!: Table<PositionRecord, [string, string]>;
  closedTrades!: Table<ClosedTrade, string>;
  algos!: Table<AlgoRecord, string>;
  audit!: Table<AuditEntry, number>;
  tradingState!: Table<SettingRow, string>;
  vaultKeys!: Table<WrappedKeyRecord, string>;
  exchangeAccounts!: Table<ExchangeAccountRow, string>;
  vaultState!: Table<VaultStateRow, string>;
  twins!: Table<TwinRecord, string>;
  syncState!: Table<SyncStateRow, string>;
  backupOutbox!: Table<OutboxChunkRow, [string, number]>;
  equityBlocks!: Table<EquityBlockRow, [string, number]>;
  cashFlows!: Table<CashFlowRow, string>;
  portfolioCache!: Table<SettingRow, string>;
  datasets!: Table<DatasetRow, string>;
  strategyRuns!: Table<StrategyRunRow, string>;
  alerts!: Table<AlertRow, string>;
  alertFirings!: Table<AlertFiringRow, string>;
  imports!: Table<ImportRow, string>;
  importedFills!: Table<ImportedFillRow, string>;

  constructor(name = 'lyra', options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    for (const { version, stores, upgrade } of schemaVersions) {
      const declared = this.version(version).stores(stores);
      if (upgrade) declared.upgrade(upgrade);
    }
  }
}
