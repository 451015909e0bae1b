import type { JobProgress } from '../research/api.js';
import type { ImportProblem, LayoutId } from '../trade-import/types.js';
import type { Jurisdiction, Method } from '../tax/types.js';
import type { ImportRow } from './rows.js';

// Names the page needs, prefixed so they cannot clash with another domain's in workers/api.ts.
export type { ImportRow as TradeImportRow } from './rows.js';
export type {
  LayoutId as TradeLayoutId,
  ImportProblem as TradeImportProblem,
} from '../trade-import/types.js';
export type { Jurisdiction as TaxJurisdiction, Method as TaxMethod } from '../tax/types.js';

/** What the import screen needs to call a preview or an import. */
export interface TradeImportRequest {
  /** The account the trades go into (a generic file's account column overrides it per row). */
  account: string;
  /** Read the file as this layout; detected from the header when absent. */
  layout?: LayoutId | null;
}

/** One trade of the preview table, as text. */
export interface TradeImportSample {
  line: number;
  time: number;
  accountId: string;
  symbol: string;
  side: 'buy' | 'sell';
  amount: string;
  price: string;
  fee: string;
  feeAsset: string;
  /** Already stored by an earlier import: importing again skips it. */
  duplicate: boolean;
  /** The same trade as one of Lyra's own fills (same market, side, amount, price and second): skipped. */
  inOwnFills: boolean;
}

/** A file read for the import screen, before anything is written. */
export interface TradeImportPreview {
  /** The layout used (detected or asked for), null when the header matched none. */
  layout: LayoutId | null;
  layoutTitle: string | null;
  /** Every problem with its line and column; an import is refused while there is any. */
  problems: ImportProblem[];
  /** Distinct lines with a problem. */
  badRows: number;
  trades: number;
  /** Trades an import would add, and those already imported. */
  toAdd: number;
  duplicates: number;
  /** Trades Lyra already holds as its own fills (a live account's history): counted, never imported. */
  inOwnFills: number;
  /** Rows left out on purpose (Kraken margin trades), with why. */
  skipped: { line: number; reason: string }[];
  repeatedRows: number;
  firstTime: number | null;
  lastTime: number | null;
  symbols: string[];
  accounts: string[];
  /** The first trades of the file. */
  sample: TradeImportSample[];
  /** How the file was read where the export leaves room for doubt. */
  conventions: string[];
}

export interface TradeImportCommit extends TradeImportRequest {
  fileName: string;
}

export interface TradeImportResult {
  /** The import written, or null when every trade was already imported (nothing written). */
  import: ImportRow | null;
  added: number;
  alreadyImported: number;
  /** Trades skipped because Lyra's own fills already hold them. */
  inOwnFills: number;
}

/**
 * Which lot method each sale uses: `method` for all, except the tax years in `byYear` and the
 * (tax year, account) pairs in `byYearAccount` (an account's choice beats its year's). The CLI writes
 * the same plan as `FIFO,2022-23=HIFO,2023-24:ACC=LIFO`.
 */
export interface TaxMethodPlan {
  method: Method;
  byYear?: Record<string, Method>;
  byYearAccount?: Record<string, Record<string, Method>>;
}

export interface TaxRequest {
  jurisdiction: Jurisdiction;
  methods: TaxMethodPlan;
  /** 'MM-DD'; default 07-01 for AU, 01-01 otherwise. */
  yearStart?: string | null;
  /** IANA zone the fills are dated in; default Australia/Sydney for AU, UTC otherwise. */
  timeZone?: string | null;
  /** Only fills quoted in this currency are reported; default: the quote most included fills use. */
  currency?: string | null;
  /**
   * Paper (simulated) accounts' fills count too. Off by default: a tax report is of real trades, the live
   * accounts' fills and the imported ones.
   */
  includePaper?: boolean | null;
}

/** What there is to report on, for the screen's choices and its empty state. */
export interface TaxSources {
  /** Fills of the trading engine (paper and live) and imported fills. */
  engineFills: number;
  importedFills: number;
  /** Of the engine's fills, those of paper (simulated) accounts: left out unless asked for. */
  paperFills: number;
  /** Quote currencies of the fills, most used first. */
  currencies: string[];
  accounts: { id: string; name: string; kind: 'paper' | 'live' | 'import' }[];
}

/** One (sale, lot) pair, money as exact decimal strings. */
export interface TaxMatchView {
  sellFill: string;
  /** Where the sale came from: "Binance export.csv, line 12" or "Paper account". */
  sellLabel: string;
  account: string;
  asset: string;
  method: Method;
  saleDate: string;
  lot: string;
  acquired: string;
  qty: string;
  unitCostBase: string;
  unitNetProceeds: string;
  costBase: string;
  proceeds: string;
  gain: string;
  daysHeld: number;
  anniversary: string | null;
  discountEligible: boolean;
  discountApplied: boolean;
}

export interface TaxTotalsView {
  grossGains: string;
  losses: string;
  nondiscountGains: string;
  discountEligibleGains: string;
  netRealised: string;
  /**
   * After the losses brought forward from earlier years (per tax year only). Negative: a net capital
   * loss to carry forward.
   */
  netCapitalGain: string;
  /** Net capital losses of earlier years applied this year (before the discount); '0' for all years. */
  lossBroughtForward: string;
  /** Net capital loss left for later years after this one; '0' for all years. */
  lossCarriedForward: string;
}

export interface TaxYearView {
  taxYear: string;
  firstDay: string;
  lastDay: string;
  /** The method each account's sales used this year. */
  methods: Record<string, Method>;
  totals: TaxTotalsView;
  matches: TaxMatchView[];
}

/** Fills left out of the report (or their fees), with why and which. */
export interface TaxExclusion {
  kind: 'fill' | 'fee';
  /** The currency a conversion rate is needed for. */
  currency: string;
  reason: string;
  fillIds: string[];
}

export interface TaxReportView {
  jurisdiction: Jurisdiction;
  currency: string;
  timeZone: string;
  yearStart: string;
  methods: TaxMethodPlan;
  /** Per tax year of the sale, each netted on its own (what a tax return uses), oldest first. */
  years: TaxYearView[];
  /** Every year's matches netted together as one set, as the reference file does. */
  totals: TaxTotalsView;
  /** Fills read and used. */
  fillsRead: number;
  fillsUsed: number;
  exclusions: TaxExclusion[];
  /** Accounts whose fills were reported, with their names. */
  accounts: { id: string; name: string }[];
  /** Whether paper (simulated) accounts' fills were included. */
  includePaper: boolean;
  conventions: Record<string, string>;
  generatedAt: number;
}

export interface TaxCsvRequest extends TaxRequest {
  /** Only this tax year's matches and totals; all years when absent. */
  year?: string | null;
}

/** Trades imported from CSV exports, and capital-gains tax reports from every account's fills. */
export interface ReportsApi {
  previewImport(text: string, request: TradeImportRequest): Promise<TradeImportPreview>;
  /** Writes the file's new trades and one import row in one transaction, or nothing. */
  commitImport(text: string, request: TradeImportCommit): Promise<TradeImportResult>;
  imports(): Promise<ImportRow[]>;
  /** Removes an import and its fills in one transaction. */
  removeImport(id: string): Promise<void>;
  taxSources(): Promise<TaxSources>;
  /** The report; progress while the fills are read and matched; `cancel(jobId)` stops it. */
  taxReport(
    request: TaxRequest,
    jobId?: string,
    onProgress?: (p: JobProgress) => void,
  ): Promise<TaxReportView>;
  /** The report as CSV (layout in tax-csv.ts) with a file name for the download. */
  taxCsv(
    request: TaxCsvRequest,
    jobId?: string,
    onProgress?: (p: JobProgress) => void,
  ): Promise<{ fileName: string; text: string }>;
  cancel(jobId: string): Promise<void>;
}
