import { detectDelimiter, splitCsvRecords, type CsvRecord } from '../research/data/csv-records.js';
import type { FillRecord } from '../trading/types.js';
import { detectLayout, describeLayouts, type DetectedLayout } from './detect-layout.js';
import { contentKey, importIds, sourceOrderId } from './import-ids.js';
import { previewImport, type ImportPreview } from './preview.js';
import { readBinanceMarketRow, readBinanceRow } from './read-binance.js';
import { readGenericRow } from './read-generic.js';
import { readKrakenRow } from './read-kraken.js';
import type { Row, RowReader } from './row.js';
import type { ImportProblem, LayoutId, ReadTrade, SkippedRow } from './types.js';

export interface ParseTradesOptions {
  /**
   * The account the trades are imported into (a generic file's account column overrides it per row),
   * trimmed: "a " and "a" are one account, with the same ids.
   */
  accountId: string;
  /** The layout to read the file as; detected from the header when absent. */
  layout?: LayoutId;
  /** Ids of the fills already stored, so the preview can say how many trades are new. */
  existingIds?: ReadonlySet<string>;
}

export type ParseTradesResult =
  | {
      ok: true;
      layout: LayoutId;
      /** The file's trades in file order, as fills: write them all or none. */
      trades: FillRecord[];
      /** The file line of each trade. */
      lines: number[];
      /** Rows left out on purpose, with why (Kraken margin trades). */
      skipped: SkippedRow[];
      /** Rows without an id of their own that repeat an earlier row exactly (kept as separate fills). */
      repeatedRows: number;
      /** Offset from UTC the file's times without a zone were read at, in minutes. */
      utcOffsetMinutes: number;
      /** Whether rows named their own account (generic files). */
      rowAccounts: boolean;
      preview: ImportPreview;
    }
  | { ok: false; layout: LayoutId | null; problems: ImportProblem[] };

/** The most problems listed: enough to see a pattern, few enough to read. */
export const MAX_PROBLEMS = 50;

const READERS: Readonly<Record<LayoutId, RowReader>> = {
  generic: readGenericRow,
  binance: readBinanceRow,
  'binance-market': readBinanceMarketRow,
  kraken: readKrakenRow,
};

/** Problems in file order (the header's first), the last entry saying how many more when there are too many. */
function listed(problems: ImportProblem[]): ImportProblem[] {
  const ordered = problems
    .map((p, k) => ({ p, k }))
    .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || a.k - b.k)
    .map(({ p }) => p);
  if (ordered.length <= MAX_PROBLEMS) return ordered;
  const shown = ordered.slice(0, MAX_PROBLEMS - 1);
  shown.push({
    line: null,
    column: null,
    message: `${ordered.length - shown.length} more problems not listed: fix these and import again`,
  });
  return shown;
}

function rowOf(record: CsvRecord, detected: DetectedLayout, problems: ImportProblem[]): Row {
  const { index, names } = detected;
  return {
    line: record.line,
    cell: (field) => {
      const at = index[field];
      return at === undefined ? '' : (record.fields[at] ?? '');
    },
    has: (field) => index[field] !== undefined,
    problem: (field, message) =>
      problems.push({ line: record.line, column: field === null ? null : (names[field] ?? field), message }),
  };
}

/** Rows whose own id (txid, generic id) repeats an earlier row's: the same trade twice, or two trades under one id. */
function repeatedIds(
  read: readonly { trade: ReadTrade; line: number; accountId: string }[],
  column: string | null,
) {
  const problems: ImportProblem[] = [];
  const first = new Map<string, number>();
  for (const { trade, line, accountId } of read) {
    if (trade.sourceId === null) continue;
    const key = `${accountId}\u0000${trade.sourceId}`;
    const at = first.get(key);
    if (at === undefined) first.set(key, line);
    else
      problems.push({
        line,
        column,
        message: `id ${trade.sourceId} is already the id of the trade on line ${at}: every trade needs its own id (delete the repeated row, or give it its own id)`,
      });
  }
  return problems;
}

function toFills(
  read: readonly { trade: ReadTrade; accountId: string }[],
  layout: LayoutId,
): { fills: FillRecord[]; repeatedRows: number } {
  const content = read.map(({ trade: t, accountId }) => ({
    accountId,
    sourceId: t.sourceId,
    symbol: t.symbol,
    side: t.side,
    time: t.time,
    price: t.price.toString(),
    amount: t.amount.toString(),
    fee: t.fee.toString(),
    feeAsset: t.feeAsset,
  }));
  const ids = importIds(content, layout);
  const seen = new Set<string>();
  let repeatedRows = 0;
  const fills = read.map(({ trade: t, accountId }, k) => {
    const c = content[k]!;
    if (t.sourceId === null) {
      const key = `${accountId}\u0000${contentKey(c)}`;
      if (seen.has(key)) repeatedRows++;
      seen.add(key);
    }
    const id = ids[k]!;
    return {
      id,
      orderId: sourceOrderId(accountId, layout, t.sourceOrderId) ?? id,
      accountId,
      symbol: t.symbol,
      side: t.side,
      price: c.price,
      amount: c.amount,
      quote: (t.quote ?? t.price.mul(t.amount)).toString(),
      fee: c.fee,
      feeAsset: t.feeAsset,
      liquidity: 'taker' as const,
      time: t.time,
    };
  });
  return { fills, repeatedRows };
}

/** The field separator splitCsvRecords reads the file with, found the same way from its first line. */
function delimiterOf(text: string): string {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstBreak = src.search(/\r\n|\n|\r/);
  return detectDelimiter(firstBreak === -1 ? src : src.slice(0, firstBreak));
}

/**
 * Trades from a trade-history CSV: a generic file, Binance's or Kraken's export (see detect-layout.ts),
 * as fills of `accountId`. Every problem is listed (up to MAX_PROBLEMS) with its 1-based line (the header
 * is line 1), its column as the header names it and how to fix it, and then no trade is returned: an
 * import writes all of a file or nothing. Each trade gets a deterministic id (import-ids.ts), so a file
 * imported again adds nothing twice. Decimals are exact, as normalised decimal strings; times are epoch
 * ms UTC. quote is the total the file states (Kraken's cost, Binance's Amount or Total, a generic quote
 * column), which is what was paid or received, checked against price × amount to the rounding of the
 * export; without one it is price × amount exactly.
 *
 * A file separated by semicolons was saved by a spreadsheet set to decimal commas, so a comma in a
 * number there is refused, never read as a thousands separator.
 */
export function parseTradesCsv(text: string, options: ParseTradesOptions): ParseTradesResult {
  const fail = (problems: ImportProblem[], layout: LayoutId | null = null): ParseTradesResult => ({
    ok: false,
    layout,
    problems: listed(problems),
  });
  const accountId = options.accountId.trim();
  if (accountId === '')
    return fail([
      { line: null, column: null, message: 'no account chosen: choose the account to import into' },
    ]);
  const records = splitCsvRecords(text);
  const head = records[0];
  if (head === undefined)
    return fail([
      {
        line: null,
        column: null,
        message: `the file is empty: export the trade history with its header line. Layouts read: ${describeLayouts()}`,
      },
    ]);
  const detected = detectLayout(head.fields, head.line, options.layout);
  if (!detected.ok) return fail(detected.problems, detected.closest);
  const layout = detected.layout.id;
  if (records.length === 1)
    return fail([{ line: head.line, column: null, message: 'the file has a header but no trades' }], layout);

  const problems: ImportProblem[] = [];
  const read: { trade: ReadTrade; line: number; accountId: string }[] = [];
  const skipped: SkippedRow[] = [];
  const reader = READERS[layout];
  const context = { utcOffsetMinutes: detected.utcOffsetMinutes, delimiter: delimiterOf(text) };
  const width = head.fields.length;
  for (const record of records.slice(1)) {
    if (record.fields.length !== width) {
      problems.push({
        line: record.line,
        column: null,
        message: `has ${record.fields.length} fields, the header has ${width}: check for a missing or extra separator, or a quote that is not closed`,
      });
      continue;
    }
    const before = problems.length;
    const row = rowOf(record, detected, problems);
    const result = reader(row, context);
    if (result === null || problems.length > before) continue;
    if ('skip' in result) skipped.push({ line: record.line, reason: result.skip });
    else
      read.push({
        trade: result.trade,
        line: record.line,
        accountId: result.trade.account ?? accountId,
      });
  }
  problems.push(...repeatedIds(read, detected.names[layout === 'kraken' ? 'txid' : 'id'] ?? null));
  if (problems.length > 0) return fail(problems, layout);
  if (read.length === 0)
    return fail(
      [
        {
          line: head.line,
          column: null,
          message: `every row was left out (${skipped[0]?.reason ?? 'no trades'}): nothing to import`,
        },
      ],
      layout,
    );

  const { fills, repeatedRows } = toFills(read, layout);
  const parsed = {
    layout,
    trades: fills,
    lines: read.map((r) => r.line),
    skipped,
    repeatedRows,
    utcOffsetMinutes: detected.utcOffsetMinutes,
    rowAccounts: read.some((r) => r.trade.account !== null),
  };
  return { ok: true, ...parsed, preview: previewImport(parsed, options.existingIds) };
}
