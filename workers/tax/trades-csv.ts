import { splitCsvRecords } from '../research/data/csv-records.js';
import { TaxInputError } from './errors.js';
import { normalizeTrades, type TradeDefaults } from './trades.js';
import type { Trade } from './types.js';

/** A problem in a trades CSV: the 1-based line and the column (by its header name) when known. */
export interface TradesCsvProblem {
  line: number | null;
  column: string | null;
  message: string;
}

export type TradesCsvResult =
  | {
      ok: true;
      trades: Trade[];
      /** The line of each trade, for messages about a trade later on (e.g. a sale of units not held). */
      lines: number[];
      /** Header columns that are not trade fields and were not read. */
      ignored: string[];
    }
  | { ok: false; problems: TradesCsvProblem[] };

const REQUIRED = ['date', 'side', 'qty', 'price', 'fee'] as const;
const OPTIONAL = ['id', 'asset', 'account', 'lot'] as const;
const KNOWN = new Set<string>([...REQUIRED, ...OPTIONAL]);
const INTEGER_ID = /^(0|[1-9]\d{0,14})$/;
const HEADER_HINT = `the header needs ${REQUIRED.join(',')} (and may have ${OPTIONAL.join(',')})`;

function fail(problems: TradesCsvProblem[]): TradesCsvResult {
  return { ok: false, problems };
}

/**
 * Reads a generic trades CSV: a header with date, side, qty, price and fee (any case, any order), and
 * optionally id, asset, account and lot; one trade per row. Side is BUY or SELL (any case); the date is
 * YYYY-MM-DD, an ISO date-time or epoch milliseconds; an empty fee is 0. A trade without an id gets its
 * row number (1 for the first trade). Every bad row is listed with its line and column, and then no
 * trade is returned: a tax report of part of a file would be wrong without saying so.
 */
export function parseTradesCsv(text: string, defaults: TradeDefaults): TradesCsvResult {
  const records = splitCsvRecords(text);
  const head = records[0];
  if (head === undefined)
    return fail([{ line: null, column: null, message: `the file is empty: ${HEADER_HINT}` }]);
  const columns = head.fields.map((f) => f.trim().toLowerCase());
  const problems: TradesCsvProblem[] = [];
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c) && KNOWN.has(c))
      problems.push({ line: head.line, column: c, message: `column ${c} appears twice: keep one` });
    seen.add(c);
  }
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length > 0)
    problems.push({
      line: head.line,
      column: null,
      message: `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: ${HEADER_HINT}`,
    });
  if (problems.length > 0) return fail(problems);
  const rows = records.slice(1);
  if (rows.length === 0)
    return fail([{ line: head.line, column: null, message: 'the file has a header but no trades' }]);

  // Rows that cannot be read as a whole are listed, and the others still checked, so one pass shows
  // every bad row.
  const raw: Record<string, string | number>[] = [];
  const lines: number[] = [];
  rows.forEach((row, k) => {
    if (row.fields.length !== columns.length) {
      problems.push({
        line: row.line,
        column: null,
        message: `has ${row.fields.length} fields, the header has ${columns.length}: check for a missing or extra separator`,
      });
      return;
    }
    const trade: Record<string, string | number> = {};
    columns.forEach((c, i) => {
      if (KNOWN.has(c)) trade[c] = (row.fields[i] as string).trim();
    });
    // A CSV cannot say whether an id is a number: whole numbers are (so the same trades give the same
    // report from CSV and JSON), anything else stays text, '007' included. No id: the row number.
    if (trade.id === undefined || trade.id === '') trade.id = k + 1;
    else if (typeof trade.id === 'string' && INTEGER_ID.test(trade.id)) trade.id = Number(trade.id);
    raw.push(trade);
    lines.push(row.line);
  });

  let trades: Trade[] = [];
  try {
    trades = normalizeTrades(raw, {
      ...defaults,
      where: (index) => `the trade on line ${lines[index] ?? '?'}`,
    });
  } catch (e) {
    if (!(e instanceof TaxInputError)) throw e;
    for (const p of e.problems)
      problems.push({
        line: p.index === null ? null : (lines[p.index] ?? null),
        column: KNOWN.has(p.field) ? p.field : null,
        message: KNOWN.has(p.field) ? p.message : `${p.field}: ${p.message}`,
      });
  }
  if (problems.length > 0) return fail(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  return { ok: true, trades, lines, ignored: columns.filter((c) => !KNOWN.has(c)) };
}
