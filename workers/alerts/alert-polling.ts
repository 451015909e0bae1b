import { timeframeMs, type Timeframe } from '../market/timeframes.js';
import type { CandleColumns } from '../market/candle-series.js';
import type { TapeTrade } from '../market/trade-tape.js';
import { EngineFailure, fromCcxtError } from '../shared/errors.js';
import type { AlertSpec, IndicatorAlert } from './types.js';

/**
 * What alerts need beyond the live stream, fetched on a schedule:
 * - prices of symbols that are not the focused one (the market engine streams only that one, and its
 *   tickers poll is every 15 s), every `pricePollMs`, so an alert on any market fires within seconds;
 * - closed candles for indicator alerts, shortly after each candle of their timeframe closes.
 * At most `maxPerTick` fetches start per tick and one per target at a time; a target that fails waits
 * twice as long each time (up to `maxBackoffMs`), and nothing is fetched while offline.
 */

export interface PollingConfig {
  pricePollMs: number;
  maxPerTick: number;
  maxBackoffMs: number;
  /** Wait this long after a candle's close before fetching it (the exchange needs a moment). */
  candleDelayMs: number;
  /** Trades fetched per price poll: enough to see a crossing between two polls. */
  tradesPerPoll: number;
}

export const defaultPollingConfig: PollingConfig = {
  pricePollMs: 3000,
  maxPerTick: 4,
  maxBackoffMs: 60_000,
  candleDelayMs: 1500,
  tradesPerPoll: 20,
};

export interface PollingSink {
  trades(symbol: string, trades: readonly TapeTrade[]): void;
  /** Closed candles only, oldest first. */
  candles(symbol: string, timeframe: Timeframe, candles: CandleColumns): void;
  /** A fetch failed: `offline` when the exchange could not be reached at all. */
  failed(offline: boolean): void;
  succeeded(): void;
}

export interface PollingSource {
  focusedSymbol(): string | null;
  fetchTrades(symbol: string, limit: number): Promise<TapeTrade[]>;
  fetchCandles(symbol: string, timeframe: Timeframe, since?: number, limit?: number): Promise<CandleColumns>;
}

type Target =
  | { key: string; kind: 'price'; symbol: string }
  | { key: string; kind: 'candles'; symbol: string; timeframe: Timeframe; limit: number };

interface Schedule {
  dueAt: number;
  failures: number;
  running: boolean;
}

/** Candles an indicator needs to warm up, with room: RSI and MACD smooth over several periods. */
function warmup(spec: IndicatorAlert): number {
  const p = spec.params as Record<string, number | undefined>;
  const longest = spec.indicator === 'rsi' ? (p.period ?? 14) : (p.slow ?? 26) + (p.signal ?? 9);
  return Math.min(1000, Math.max(200, longest * 8));
}

export function pollTargets(specs: readonly AlertSpec[], focused: string | null): Target[] {
  const targets = new Map<string, Target>();
  for (const s of specs) {
    // Disabled alerts keep watching through the stream and the tickers poll; they need no fast poll.
    if (!s.enabled) continue;
    if ((s.kind === 'price-cross' || s.kind === 'percent-move') && s.symbol !== focused)
      targets.set(`p|${s.symbol}`, { key: `p|${s.symbol}`, kind: 'price', symbol: s.symbol });
    if (s.kind === 'indicator') {
      const key = `c|${s.symbol}|${s.timeframe}`;
      const prev = targets.get(key);
      const limit = Math.max(warmup(s), prev?.kind === 'candles' ? prev.limit : 0);
      targets.set(key, { key, kind: 'candles', symbol: s.symbol, timeframe: s.timeframe, limit });
    }
  }
  return [...targets.values()];
}

function closedOnly(c: CandleColumns, tf: Timeframe, now: number): CandleColumns {
  const step = timeframeMs[tf];
  let n = c.time.length;
  while (n > 0 && (c.time[n - 1] as number) + step > now) n--;
  if (n === c.time.length) return c;
  return {
    time: c.time.subarray(0, n),
    open: c.open.subarray(0, n),
    high: c.high.subarray(0, n),
    low: c.low.subarray(0, n),
    close: c.close.subarray(0, n),
    volume: c.volume.subarray(0, n),
  };
}

/** Codes of failures that mean the exchange could not be reached (see fromCcxtError). */
const unreachableCodes = new Set(['offline', 'network', 'timeout', 'unavailable']);

/**
 * Whether a failed fetch means the exchange could not be reached. Failures come as an EngineFailure
 * (its code in `error`), as EngineError data, or as a ccxt error (its class says it).
 */
export function unreachable(e: unknown): boolean {
  const code =
    e instanceof EngineFailure
      ? e.error.code
      : typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
        ? (e as { code: string }).code
        : fromCcxtError(e).code;
  return unreachableCodes.has(code);
}

export class AlertPolling {
  private readonly schedules = new Map<string, Schedule>();
  private readonly config: PollingConfig;

  constructor(
    private readonly source: PollingSource,
    private readonly sink: PollingSink,
    private readonly now: () => number,
    config: Partial<PollingConfig> = {},
  ) {
    this.config = { ...defaultPollingConfig, ...config };
  }

  /** Starts the fetches that are due; resolves when they have all finished. */
  async tick(specs: readonly AlertSpec[], online: boolean): Promise<void> {
    const targets = pollTargets(specs, this.source.focusedSymbol());
    const keys = new Set(targets.map((t) => t.key));
    for (const k of [...this.schedules.keys()]) if (!keys.has(k)) this.schedules.delete(k);
    if (!online) return;
    const now = this.now();
    const due = targets
      .map((t) => ({ t, s: this.scheduleOf(t.key, now) }))
      .filter(({ s }) => !s.running && s.dueAt <= now)
      .sort((a, b) => a.s.dueAt - b.s.dueAt)
      .slice(0, this.config.maxPerTick);
    await Promise.all(due.map(({ t, s }) => this.run(t, s)));
  }

  private scheduleOf(key: string, now: number): Schedule {
    let s = this.schedules.get(key);
    if (!s) this.schedules.set(key, (s = { dueAt: now, failures: 0, running: false }));
    return s;
  }

  private async run(t: Target, s: Schedule): Promise<void> {
    s.running = true;
    try {
      if (t.kind === 'price') {
        const trades = await this.source.fetchTrades(t.symbol, this.config.tradesPerPoll);
        this.sink.succeeded();
        this.sink.trades(t.symbol, trades);
        s.dueAt = this.now() + this.config.pricePollMs;
      } else {
        const all = await this.source.fetchCandles(t.symbol, t.timeframe, undefined, t.limit);
        this.sink.succeeded();
        const now = this.now();
        const closed = closedOnly(all, t.timeframe, now);
        if (closed.time.length > 0) this.sink.candles(t.symbol, t.timeframe, closed);
        const step = timeframeMs[t.timeframe];
        // The next candle closes at the next multiple of the timeframe.
        const nextClose = Math.floor(now / step) * step + step;
        s.dueAt = Math.max(now + 5000, nextClose + this.config.candleDelayMs);
      }
      s.failures = 0;
    } catch (e) {
      s.failures += 1;
      this.sink.failed(unreachable(e));
      const base = t.kind === 'price' ? this.config.pricePollMs : 5000;
      s.dueAt = this.now() + Math.min(this.config.maxBackoffMs, base * 2 ** s.failures);
    } finally {
      s.running = false;
    }
  }
}
