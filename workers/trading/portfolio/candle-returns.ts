import { timeframeMs } from '../../market/timeframes.js';
import type { LyraDb } from '../../store/db.js';
import { MarketStore } from '../../store/market-store.js';
import type { MarketAccess } from '../market-link.js';
import type { ReturnInterval } from './api.js';

/** Closes of one symbol at one interval, by open time. */
export type Closes = Map<number, number>;

export interface ReturnMatrix {
  assets: string[];
  /** Asset-major: m[a * periods + t]. */
  m: Float64Array;
  periods: number;
  /** Open time of the last candle used. */
  asOf: number | null;
  notes: string[];
}

export interface CandleSourceDeps {
  db: LyraDb;
  market: MarketAccess | null;
  /** Exchanges whose stored candles may be used, the market engine's own first. */
  exchanges: () => Promise<string[]>;
  now: () => number;
}

/** Fetched candles are kept this long in memory: the market layer stores what it stores, nothing more. */
const fetchedTtlMs = 5 * 60_000;

/**
 * Closes for return statistics: the stored candles of `${asset}/${quote}`, topped up from the exchange
 * when online and the store holds too few. Only closed candles count: the one still forming would make
 * the last return a partial one.
 */
export class CandleSource {
  private readonly fetched = new Map<string, { at: number; closes: Closes }>();
  private readonly store: MarketStore;

  constructor(private readonly deps: CandleSourceDeps) {
    this.store = new MarketStore(deps.db);
  }

  async closes(symbol: string, interval: ReturnInterval, count: number): Promise<Closes> {
    const now = this.deps.now();
    const span = timeframeMs[interval];
    const out: Closes = new Map();
    for (const exchange of await this.deps.exchanges()) {
      // One more than asked: the newest stored candle may still be forming.
      const c = await this.store.loadCandles(exchange, symbol, interval, count + 1);
      // One exchange's history at a time: mixing venues would add their price differences as returns.
      if (c.time.length <= out.size) continue;
      out.clear();
      for (let i = 0; i < c.time.length; i++) out.set(c.time[i] as number, c.close[i] as number);
    }
    const closed = (m: Closes) => {
      for (const t of [...m.keys()]) if (t + span > now) m.delete(t);
      return m;
    };
    if (closed(out).size >= count || !this.deps.market) return out;
    const key = `${symbol}|${interval}`;
    const cached = this.fetched.get(key);
    if (cached && now - cached.at < fetchedTtlMs && cached.closes.size >= out.size) return cached.closes;
    try {
      const c = await this.deps.market.fetchCandles(symbol, interval, undefined, Math.min(count + 1, 1000));
      const got: Closes = new Map();
      for (let i = 0; i < c.time.length; i++) got.set(c.time[i] as number, c.close[i] as number);
      closed(got);
      if (got.size > out.size) {
        this.fetched.set(key, { at: now, closes: got });
        return got;
      }
    } catch {
      // Offline or not listed: what is stored is all there is.
    }
    return out;
  }
}

/**
 * Simple returns of each asset on the times all of them have, the last `window` of them. An asset with
 * no closes at all is left out with a note; so is one with fewer than `minReturns` + 1 closes when others
 * have more, since intersecting with its short history would cut every other asset's window down to it.
 * `weightOf` lets the note say how much of the portfolio VaR then leaves out.
 */
export function alignReturns(
  series: ReadonlyArray<{ asset: string; closes: Closes }>,
  window: number,
  minReturns = 0,
  weightOf: (asset: string) => number = () => 0,
): ReturnMatrix {
  const notes: string[] = [];
  let usable = series.filter((s) => {
    if (s.closes.size >= 2) return true;
    notes.push(`${s.asset}: no price history at this interval, so it is left out of VaR and correlations.`);
    return false;
  });
  const need = Math.min(minReturns, window) + 1;
  const long = usable.filter((s) => s.closes.size >= need);
  if (long.length > 0 && long.length < usable.length) {
    for (const s of usable)
      if (s.closes.size < need) {
        const w = weightOf(s.asset);
        notes.push(
          `${s.asset}: only ${s.closes.size} closes at this interval (${need} needed), so it is left out of VaR and correlations${w > 0 ? `; VaR leaves out its ${(w * 100).toFixed(1)} % of the portfolio` : ''}.`,
        );
      }
    usable = long;
  }
  if (usable.length === 0) return { assets: [], m: new Float64Array(0), periods: 0, asOf: null, notes };
  let common = [...usable[0]!.closes.keys()];
  for (const s of usable.slice(1)) common = common.filter((t) => s.closes.has(t));
  common.sort((a, b) => a - b);
  const times = common.slice(-(window + 1));
  const periods = Math.max(0, times.length - 1);
  const m = new Float64Array(usable.length * periods);
  usable.forEach((s, a) => {
    for (let t = 0; t < periods; t++)
      m[a * periods + t] = s.closes.get(times[t + 1]!)! / s.closes.get(times[t]!)! - 1;
  });
  return {
    assets: usable.map((s) => s.asset),
    m,
    periods,
    asOf: times.length ? times[times.length - 1]! : null,
    notes,
  };
}
