import type { Timeframe } from '../market/timeframes.js';
import type { CsvProblem, JobProgress } from '../research/api.js';

/** The records a user can take out of Lyra one kind at a time. */
export type DataExportKind = 'closedTrades' | 'orders' | 'fills' | 'equity';
export type DataExportFormat = 'json' | 'csv';

export interface DataExportRequest {
  kind: DataExportKind;
  format: DataExportFormat;
  /** One account, or every account when null. */
  accountId: string | null;
  /** Inclusive epoch ms bounds on each record's time; null leaves that side open. */
  from: number | null;
  to: number | null;
}

/** A file ready to download: the page turns it into a Blob and an <a download>. */
export interface DataExportFile {
  fileName: string;
  mimeType: string;
  text: string;
  rows: number;
}

export interface DataAccount {
  id: string;
  name: string;
  exchange: string;
}

/** What the data screen shows before anything is chosen. */
export interface DataOverview {
  accounts: DataAccount[];
  /** Rows per backed-up table on this device. */
  counts: Record<string, number>;
  /** The exchange candles are imported for (the one the market engine runs), null before it starts. */
  exchange: string | null;
  /** Its market symbols, for the candle import's picker. */
  symbols: string[];
  timeframes: Timeframe[];
}

/** The first thing in a database file: what it is and what it holds, readable without the rest. */
export interface DatabaseFileHeader {
  format: 'lyra-database';
  formatVersion: number;
  /** The IndexedDB schema version the rows were read from. */
  schemaVersion: number;
  exportedAt: number;
  appVersion: string | null;
  /** Rows per table in the file. */
  counts: Record<string, number>;
}

/** A whole-database export, built in the worker. */
export interface DatabaseExportFile {
  fileName: string;
  blob: Blob;
  bytes: number;
  header: DatabaseFileHeader;
}

export interface DatabaseTableCompare {
  name: string;
  inFile: number;
  onDevice: number;
}

/** A checked database file, held in the worker until it is imported or discarded. */
export interface DatabasePreview {
  previewId: string;
  header: DatabaseFileHeader;
  tables: DatabaseTableCompare[];
  /** The file holds encrypted exchange keys: they stay encrypted and need the passphrase or passkey. */
  hasVault: boolean;
}

export interface DatabaseImportResult {
  tables: number;
  rows: number;
}

export interface CandleCsvInput {
  text: string;
  /** Sort rows oldest first and drop repeated times instead of refusing the file. */
  fixOrder?: boolean;
}

export type CandleCsvPreview =
  | {
      ok: true;
      rows: number;
      first: number;
      last: number;
      /** The most common gap between bars in ms, null with a single row. */
      spacingMs: number | null;
      /** The timeframe whose length is that spacing, null when none is. */
      timeframe: Timeframe | null;
      /** A file with only a price column: its candles are flat (open = high = low = close). */
      closeOnly: boolean;
      fixed: { reordered: number; duplicatesDropped: number } | null;
    }
  | {
      ok: false;
      problems: CsvProblem[];
      /** Only the order of the rows is wrong: preview again with fixOrder. */
      fixable: { outOfOrder: number; duplicates: number } | null;
    };

export interface CandleImportRequest extends CandleCsvInput {
  symbol: string;
  timeframe: Timeframe;
}

export interface CandleImportResult {
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
  candles: number;
  /** Candles not stored before. */
  added: number;
  /** Candles stored before with other values, now replaced by the file's. */
  changed: number;
  /** Candles already stored exactly as in the file: a re-import changes nothing. */
  unchanged: number;
}

export type DataProgressListener = (progress: JobProgress) => void;

/** Exports, the whole-database file both ways, and candles from CSV. */
export interface DataApi {
  overview(): Promise<DataOverview>;
  exportRecords(request: DataExportRequest): Promise<DataExportFile>;
  /** Every backed-up table in one JSON file; `cancel(jobId)` stops it. */
  exportDatabase(jobId: string, onProgress?: DataProgressListener): Promise<DatabaseExportFile>;
  /** Reads and checks a database file; nothing is written. */
  previewDatabase(file: Blob, jobId: string, onProgress?: DataProgressListener): Promise<DatabasePreview>;
  /** Replaces the previewed tables in one transaction; afterwards the page must reload. */
  importDatabase(previewId: string, jobId: string, onProgress?: DataProgressListener): Promise<DatabaseImportResult>;
  discardDatabasePreview(previewId: string): Promise<void>;
  previewCandles(input: CandleCsvInput): Promise<CandleCsvPreview>;
  importCandles(request: CandleImportRequest): Promise<CandleImportResult>;
  cancel(jobId: string): Promise<void>;
}
