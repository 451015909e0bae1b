/**
 * The backtest's downloads as text: trades and equity as CSV, everything as JSON. Pure formatting, so
 * the screen only hands the text to the browser. Times are ISO 8601 (UTC); a number that is not finite
 * (NaN from no trades, Infinity from no losses) is an empty CSV cell and `null` in JSON, never a made-up
 * figure.
 */
import type { BacktestReport, BacktestRequest, BacktestResult, SimTrade } from '$workers/api';

/** A number as the shortest text that reads back to the same float; empty when not finite. */
export function csvNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : '';
}

export function isoDate(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

/** Quotes a cell only when it has to (comma, quote or line break), doubling inner quotes. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(header: readonly string[], rows: Iterable<readonly string[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}

export const TRADE_COLUMNS = [
  'entry_time',
  'exit_time',
  'entry_price',
  'exit_price',
  'units',
  'pnl',
  'return',
  'fees',
  'bars',
  'exit_reason',
] as const;

/** One row per round trip, in the order the run closed them. */
export function tradesCsv(trades: readonly SimTrade[]): string {
  return csv(
    TRADE_COLUMNS,
    trades.map((t) => [
      isoDate(t.entryTime),
      isoDate(t.exitTime),
      csvNumber(t.entryPrice),
      csvNumber(t.exitPrice),
      csvNumber(t.units),
      csvNumber(t.pnl),
      csvNumber(t.returnPct),
      csvNumber(t.fees),
      csvNumber(t.bars),
      t.exitReason,
    ]),
  );
}

export const EQUITY_COLUMNS = ['time', 'equity', 'drawdown', 'position'] as const;

/** One row per bar: equity after the bar's fills, its drawdown from the peak and the units held. */
export function equityCsv(result: Pick<BacktestResult, 'time' | 'equity' | 'drawdown' | 'position'>): string {
  const n = result.time.length;
  function* rows(): Generator<string[]> {
    for (let i = 0; i < n; i++)
      yield [
        isoDate(result.time[i] as number),
        csvNumber(result.equity[i] as number),
        csvNumber(result.drawdown[i] as number),
        csvNumber(result.position[i] as number),
      ];
  }
  return csv(EQUITY_COLUMNS, rows());
}

const jsonNumber = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Replaces non-finite numbers with null and typed arrays with plain arrays, at any depth. */
function plain(value: unknown): unknown {
  if (typeof value === 'number') return jsonNumber(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>, jsonNumber);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

/**
 * Everything a run produced, with the request that produced it, so the file alone says how to repeat
 * the run: dataset, strategy, costs and conventions, metrics, the equity series, trades, signals, fills.
 */
export function reportJson(report: BacktestReport, request: BacktestRequest): string {
  const r = report.result;
  const equity = Array.from({ length: r.time.length }, (_, i) => ({
    time: isoDate(r.time[i] as number),
    equity: r.equity[i] as number,
    drawdown: r.drawdown[i] as number,
    position: r.position[i] as number,
  }));
  const body = {
    request,
    dataset: {
      ...report.dataset,
      first: isoDate(report.dataset.first),
      last: isoDate(report.dataset.last),
      createdAt: isoDate(report.dataset.createdAt),
    },
    conventions: r.conventions,
    metrics: r.metrics,
    error: r.error ? { ...r.error, time: isoDate(r.error.time) } : null,
    trades: r.trades.map((t) => ({ ...t, entryTime: isoDate(t.entryTime), exitTime: isoDate(t.exitTime) })),
    equity,
    signals: r.signals.map((s) => ({ ...s, time: isoDate(s.time) })),
    fills: r.fills.map((f) => ({ ...f, time: isoDate(f.time) })),
  };
  return `${JSON.stringify(plain(body), null, 2)}\n`;
}

/** "dax-sma-cross-trades.csv": lowercase, safe on every file system. */
export function exportFileName(parts: readonly string[], extension: string): string {
  const slug = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug || 'backtest'}.${extension}`;
}
