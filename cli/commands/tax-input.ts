import { describeProblem, TaxInputError } from '../../workers/tax/errors.js';
import { parseTradesCsv, type TradesCsvProblem } from '../../workers/tax/trades-csv.js';
import { normalizeTrades } from '../../workers/tax/trades.js';
import type { Trade } from '../../workers/tax/types.js';
import { UsageError } from '../io.js';
import { readText } from '../read-text.js';

/** Problems shown before "and N more": enough to see the pattern. */
const SHOWN_PROBLEMS = 5;

export interface TradesFile {
  trades: Trade[];
  /** For messages about a trade found later: where it is in the file ("line 9" or ""). */
  whereIs(index: number): string;
  /** Things worth saying that are not errors (CSV columns that were not read). */
  notes: string[];
}

function listed<T>(problems: readonly T[], show: (p: T) => string): string {
  const lines = problems.slice(0, SHOWN_PROBLEMS).map(show);
  if (problems.length > SHOWN_PROBLEMS) lines.push(`(and ${problems.length - SHOWN_PROBLEMS} more)`);
  return lines.join('\n');
}

function csvWhere(file: string, p: TradesCsvProblem): string {
  const at = [p.line === null ? null : `line ${p.line}`, p.column === null ? null : `column ${p.column}`]
    .filter((x) => x !== null)
    .join(', ');
  return at === '' ? `${file}: ${p.message}` : `${file}: ${at}: ${p.message}`;
}

/**
 * The trades of a JSON file: the reference's shape (an object with a `trades` array, whose `asset`
 * names trades that do not name theirs) or a bare array of such trades.
 */
function jsonTrades(file: string, text: string, timeZone: string): TradesFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const object =
    typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : null;
  const list = Array.isArray(data) ? data : object?.trades;
  if (!Array.isArray(list))
    throw new UsageError(`${file}: expected an object with a "trades" array, or an array of trades`);
  if (list.length === 0) throw new UsageError(`${file} has no trades`);
  const asset = typeof object?.asset === 'string' ? object.asset : undefined;
  try {
    return { trades: normalizeTrades(list, { timeZone, asset }), whereIs: () => '', notes: [] };
  } catch (e) {
    if (e instanceof TaxInputError)
      throw new UsageError(listed(e.problems, (p) => `${file}: ${describeProblem(p)}`));
    throw e;
  }
}

function csvTrades(file: string, text: string, timeZone: string): TradesFile {
  const parsed = parseTradesCsv(text, { timeZone });
  if (!parsed.ok) throw new UsageError(listed(parsed.problems, (p) => csvWhere(file, p)));
  const notes =
    parsed.ignored.length === 0
      ? []
      : [
          `${file}: column${parsed.ignored.length > 1 ? 's' : ''} ${parsed.ignored.join(', ')} not read (not a trade field)`,
        ];
  return {
    trades: parsed.trades,
    whereIs: (index) => {
      const line = parsed.lines[index];
      return line === undefined ? '' : `line ${line}: `;
    },
    notes,
  };
}

/**
 * Reads trades from a JSON file (starts with { or [) or else a CSV file, dated in `timeZone`. Bad input
 * is a UsageError naming the file and where in it: the trade and field for JSON, the line and column
 * for CSV.
 */
export async function readTradesFile(file: string, timeZone: string): Promise<TradesFile> {
  const text = await readText(file, 'a trades file');
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body === '') throw new UsageError(`${file} is empty: give trades as JSON or as a CSV with a header`);
  return body.startsWith('{') || body.startsWith('[')
    ? jsonTrades(file, body, timeZone)
    : csvTrades(file, text, timeZone);
}
