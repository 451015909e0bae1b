import type { FillRecord } from '../trading/types.js';
import { layoutById } from './detect-layout.js';
import type { LayoutId, SkippedRow } from './types.js';

/** What the import screen shows before anything is written. */
export interface ImportPreview {
  layout: LayoutId;
  layoutTitle: string;
  /** Trades read from the file. */
  trades: number;
  /** Rows left out on purpose (Kraken margin trades); the parse result lists them with their lines. */
  skipped: number;
  /** Earliest and latest trade time (epoch ms), null without trades. */
  firstTime: number | null;
  lastTime: number | null;
  /** 'BASE/QUOTE' symbols, sorted. */
  symbols: string[];
  /** Accounts the trades go into, sorted (more than one when a generic file names accounts). */
  accounts: string[];
  sides: { buy: number; sell: number };
  feeAssets: string[];
  /**
   * Rows without an id of their own that repeat an earlier row exactly. They are kept as separate fills
   * (two identical fills are possible); shown so that a file pasted twice is noticed.
   */
  repeatedRows: number;
  /** Trades already imported (their ids are among the existing ones); null when those were not given. */
  alreadyImported: number | null;
  /** Trades an import would add; null when the existing ids were not given. */
  toAdd: number | null;
  /** How the file was read where the export leaves room for doubt (time zone, fee asset, liquidity). */
  conventions: string[];
}

export interface PreviewInput {
  layout: LayoutId;
  trades: readonly FillRecord[];
  skipped: readonly SkippedRow[];
  repeatedRows: number;
  /** Offset from UTC the file's times were read at (Binance's `Date(UTC+8)`), in minutes. */
  utcOffsetMinutes: number;
  /** Whether a generic file named accounts on its rows. */
  rowAccounts?: boolean;
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

const COMMAS =
  'Commas between groups of three digits (29,500.00) are thousands separators, except in a file separated by semicolons, where decimal commas are refused.';

/** The reading rules that applied to a file of this layout. */
export function conventionsOf(layout: LayoutId, utcOffsetMinutes: number, rowAccounts = false): string[] {
  const zone =
    utcOffsetMinutes === 0
      ? 'Times without a time zone are read as UTC, the zone the export is written in.'
      : `Times are read at ${offsetText(utcOffsetMinutes)}, the zone the export's date column names.`;
  const common = [
    'The export does not say whether a fill was maker or taker: imported fills are recorded as taker.',
    'Importing the same file again adds nothing twice; identical rows within one file are kept as separate fills.',
  ];
  switch (layout) {
    case 'generic':
      return [
        'Times without a time zone are read as UTC; a bare number is epoch milliseconds.',
        'An empty fee is 0; an empty fee_asset is the quote asset; without a quote, the quote is price × amount.',
        'Trades with an id keep it: the same id is the same trade on every import.',
        ...(rowAccounts ? ['Rows that name an account go into that account.'] : []),
        ...common,
      ];
    case 'binance':
      return [
        zone,
        'Executed is the amount in the base asset, Amount the amount paid or received in the quote asset; the fee is in the asset written after it.',
        COMMAS,
        ...common,
      ];
    case 'binance-market':
      return [
        zone,
        'Amount is in the base asset, Total (paid or received) in the quote asset, the fee in Fee Coin (the quote asset when empty and the fee is 0).',
        COMMAS,
        ...common,
      ];
    case 'kraken':
      return [
        'Times are read as UTC, the zone Kraken exports in.',
        "Kraken's asset codes are shown as the common ones (XXBT and XBT as BTC, XDG as DOGE, ZUSD as USD, ZEUR as EUR).",
        'vol is the amount in the base asset and cost the total paid or received; the fee is in the quote asset.',
        "Each trade's txid is its id, so it is recognised in any later export.",
        'Margin trades are left out: only spot trades are imported.',
        ...common,
      ];
  }
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

/** The preview of a parsed file; with the ids already stored, also how many trades are new. */
export function previewImport(input: PreviewInput, existingIds?: ReadonlySet<string>): ImportPreview {
  const { trades } = input;
  let first: number | null = null;
  let last: number | null = null;
  let buy = 0;
  for (const t of trades) {
    if (first === null || t.time < first) first = t.time;
    if (last === null || t.time > last) last = t.time;
    if (t.side === 'buy') buy++;
  }
  const already = existingIds === undefined ? null : trades.filter((t) => existingIds.has(t.id)).length;
  return {
    layout: input.layout,
    layoutTitle: layoutById(input.layout).title,
    trades: trades.length,
    skipped: input.skipped.length,
    firstTime: first,
    lastTime: last,
    symbols: sorted(trades.map((t) => t.symbol)),
    accounts: sorted(trades.map((t) => t.accountId)),
    sides: { buy, sell: trades.length - buy },
    feeAssets: sorted(trades.map((t) => t.feeAsset)),
    repeatedRows: input.repeatedRows,
    alreadyImported: already,
    toAdd: already === null ? null : trades.length - already,
    conventions: conventionsOf(input.layout, input.utcOffsetMinutes, input.rowAccounts === true),
  };
}
