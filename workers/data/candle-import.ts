import type { CandleColumns } from '../market/candle-series.js';
import { isTimeframe, timeframeMs, timeframes, type Timeframe } from '../market/timeframes.js';
import type { Bars } from '../research/backtest/types.js';
import { parseBarsCsv } from '../research/data/csv-bars.js';
import type { CandleBlockRow, LyraDb } from '../store/db.js';
import { candlesPerBlock, type MarketStore } from '../store/market-store.js';
import type { CandleCsvInput, CandleCsvPreview, CandleImportRequest, CandleImportResult } from './api.js';
import { isoTime } from './csv-text.js';
import { dataFailure } from './database-format.js';

/** Longest file read, in characters: about a million one-minute candles. */
const MAX_TEXT = 64 * 1024 * 1024;

/** The most common gap between consecutive bars (ms), or null with fewer than two bars. */
export function detectSpacing(time: Float64Array): number | null {
  const seen = new Map<number, number>();
  let best: number | null = null;
  let bestCount = 0;
  for (let i = 1; i < time.length; i++) {
    const gap = (time[i] as number) - (time[i - 1] as number);
    const count = (seen.get(gap) ?? 0) + 1;
    seen.set(gap, count);
    if (count > bestCount || (count === bestCount && best !== null && gap < best)) {
      best = gap;
      bestCount = count;
    }
  }
  return best;
}

function timeframeOf(spacing: number | null): Timeframe | null {
  return timeframes.find((tf) => timeframeMs[tf] === spacing) ?? null;
}

function parse(input: CandleCsvInput) {
  if (typeof input.text !== 'string' || input.text.length > MAX_TEXT)
    throw dataFailure('data-bad-file', 'The file is too large to import at once (over 64 MB): split it by date and import the parts.');
  return parseBarsCsv(input.text, { fixOrder: input.fixOrder === true });
}

/** What the file holds and what is wrong with it, with nothing written. */
export function previewCandles(input: CandleCsvInput): CandleCsvPreview {
  const parsed = parse(input);
  if (!parsed.ok) return { ok: false, problems: parsed.problems, fixable: parsed.fixable };
  const { time } = parsed.bars;
  const spacingMs = detectSpacing(time);
  return {
    ok: true,
    rows: time.length,
    first: time[0] as number,
    last: time[time.length - 1] as number,
    spacingMs,
    timeframe: timeframeOf(spacingMs),
    closeOnly: parsed.bars.closeOnly,
    fixed: parsed.fixed,
  };
}

/**
 * Refuses bars that are not candles of `tf`: the usual gap must be the timeframe, and every bar must
 * open on the timeframe's UTC grid (a gap of missing bars is fine, an odd time is not).
 */
function checkTimeframe(bars: Bars, tf: Timeframe): void {
  const span = timeframeMs[tf];
  const spacing = detectSpacing(bars.time);
  if (spacing !== null && spacing !== span) {
    const found = timeframeOf(spacing);
    throw dataFailure(
      'data-candles-timeframe',
      `The file's bars are ${found ?? describeGap(spacing)} apart, not ${tf}: choose ${found ? `the ${found} timeframe` : 'a file with bars one timeframe apart'}.`,
    );
  }
  for (let i = 0; i < bars.time.length; i++) {
    const t = bars.time[i] as number;
    if (t % span !== 0)
      throw dataFailure(
        'data-candles-timeframe',
        `The bar at ${isoTime(t)} (row ${i + 1} of the bars) does not start a ${tf} candle: ${tf} candles open on whole ${tf} steps from midnight UTC.`,
      );
  }
}

function describeGap(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return `${ms / 60_000} minutes`;
  return `${ms / 1000} seconds`;
}

export interface CandleImportDeps {
  db: LyraDb;
  store: MarketStore;
  exchange: string | null;
  symbols: readonly string[];
}

/**
 * Writes the file's candles into the chart's candle store for one market and timeframe, through the
 * market store (one transaction, blocks of up to 1,000 candles, merged by open time). Importing the same
 * file again writes the same values: it reports them unchanged.
 */
export async function importCandles(deps: CandleImportDeps, request: CandleImportRequest): Promise<CandleImportResult> {
  const { exchange } = deps;
  if (exchange === null)
    throw dataFailure('data-no-exchange', 'The market has not started yet: wait until the trade screen shows prices, then import.', true);
  if (!isTimeframe(request.timeframe))
    throw dataFailure('data-bad-request', `"${String(request.timeframe)}" is not a timeframe: choose one of ${timeframes.join(', ')}.`);
  if (!deps.symbols.includes(request.symbol))
    throw dataFailure(
      'data-unknown-symbol',
      `${exchange} has no market "${request.symbol}": choose a market from the list (symbols are written like BTC/USDT).`,
    );
  const parsed = parse(request);
  if (!parsed.ok) {
    const first = parsed.problems[0];
    const where = first?.row ? `line ${first.row}${first.column ? `, column ${first.column}` : ''}: ` : '';
    throw dataFailure('data-bad-file', `The file cannot be imported: ${where}${first?.message ?? 'it has no bars'}.`);
  }
  const bars = parsed.bars;
  checkTimeframe(bars, request.timeframe);
  const candles: CandleColumns = {
    time: bars.time,
    open: bars.open,
    high: bars.high,
    low: bars.low,
    close: bars.close,
    volume: bars.volume,
  };
  const { db } = deps;
  const tf = request.timeframe;
  // Counted, written and checked in one transaction, so a candle written meanwhile cannot skew the counts.
  const { added, changed } = await db.transaction('rw', db.candleBlocks, async () => {
    const before = await storedCandles(db, exchange, request.symbol, tf, candles.time);
    const counts = { added: 0, changed: 0 };
    for (let i = 0; i < candles.time.length; i++) {
      const old = before.get(candles.time[i] as number);
      if (!old) counts.added++;
      else if (!sameCandle(old, candles, i)) counts.changed++;
    }
    await deps.store.saveCandles(exchange, request.symbol, tf, candles);
    // The store drops candle writes while a restore or an import replaces the data: say so, not "added N".
    const after = await storedCandles(db, exchange, request.symbol, tf, candles.time);
    for (let i = 0; i < candles.time.length; i++) {
      const now = after.get(candles.time[i] as number);
      if (!now || !sameCandle(now, candles, i))
        throw dataFailure(
          'data-candles-held',
          "Candles cannot be written while this device's data is being replaced (a restore or a database import): wait for Lyra to reload, then import the file again.",
          true,
        );
    }
    return counts;
  });
  return {
    exchange,
    symbol: request.symbol,
    timeframe: request.timeframe,
    candles: candles.time.length,
    added,
    changed,
    unchanged: candles.time.length - added - changed,
  };
}

type StoredCandle = [number, number, number, number, number];

/** The candles already stored between the file's first and last time, by open time. */
async function storedCandles(
  db: LyraDb,
  exchange: string,
  symbol: string,
  tf: Timeframe,
  time: Float64Array,
): Promise<Map<number, StoredCandle>> {
  const out = new Map<number, StoredCandle>();
  if (time.length === 0) return out;
  const first = time[0] as number;
  const last = time[time.length - 1] as number;
  const blockSpan = timeframeMs[tf] * candlesPerBlock;
  const firstBlock = Math.floor(first / blockSpan) * blockSpan;
  const blocks: CandleBlockRow[] = await db.candleBlocks
    .where('[exchange+symbol+timeframe+start]')
    .between([exchange, symbol, tf, firstBlock], [exchange, symbol, tf, last], true, true)
    .toArray();
  for (const b of blocks)
    for (let i = 0; i < b.time.length; i++) {
      const t = b.time[i] as number;
      if (t >= first && t <= last)
        out.set(t, [b.open[i] as number, b.high[i] as number, b.low[i] as number, b.close[i] as number, b.volume[i] as number]);
    }
  return out;
}

function sameCandle(old: StoredCandle, c: CandleColumns, i: number): boolean {
  return (
    Object.is(old[0], c.open[i]) &&
    Object.is(old[1], c.high[i]) &&
    Object.is(old[2], c.low[i]) &&
    Object.is(old[3], c.close[i]) &&
    Object.is(old[4], c.volume[i])
  );
}
