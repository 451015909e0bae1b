import type { CandleColumns } from '../market/candle-series.js';
import { isTimeframe, timeframeMs, type Timeframe } from '../market/timeframes.js';
import { Decimal } from '../money/decimal.js';
import { findIndicator } from '../research/indicators/catalogue.js';
import { macd } from '../research/indicators/macd.js';
import { rsi } from '../research/indicators/rsi.js';
import { defaultRiskLimits } from '../trading/risk/limits.js';
import type { FillRecord } from '../trading/types.js';
import {
  hysteresisOf,
  observeLevel,
  positionOf,
  stepLevel,
  type Crossing,
  type LevelChannel,
  type LevelPosition,
} from './level-crossing.js';
import {
  breakerMessage,
  correlationMessage,
  drawdownMessage,
  feedStaleMessage,
  fillMessage,
  formatSpan,
  macdMessage,
  percentMoveMessage,
  priceCrossMessage,
  rsiMessage,
  withLateness,
} from './messages.js';
import {
  addPrice,
  copyPriceWindow,
  emptyPriceWindow,
  referenceOf,
  type PriceWindowState,
} from './price-window.js';
import type {
  AlertFiring,
  AlertSpec,
  IndicatorAlert,
  PercentMoveAlert,
  PriceCrossAlert,
  RiskAlert,
  RiskAlertEvent,
} from './types.js';
import { AlertSpecError, validateAlert } from './validate-alert.js';

/**
 * Evaluates alerts against what the engine observes: prices, closed candles, fills and risk events.
 * Pure and synchronous: no timers, no clock (every event carries its time, and `now` is passed in),
 * no I/O. The state is plain JSON (`toJSON()`), restored with the constructor, so the engine worker can
 * store it and carry on after a reload without firing a crossing twice.
 *
 * Rules (see level-crossing.ts for the crossing itself):
 * - A crossing fires once; the alert re-arms only once the value is back past the level by the band.
 * - For prices, percent moves and indicators the first observation only sets the side: an alert created
 *   while the price is already above its level waits for the next crossing. Risk channels (drawdown
 *   per account, correlation change per pair, feed per market and per exchange) start armed instead,
 *   as if the value before had been on the safe side: the first event already past the threshold fires
 *   (a feed reported stale right after startup, a drawdown already beyond the threshold when the alert
 *   is created). Data older than the alert's createdAt never fires.
 * - Feed staleness: events name a market or, with symbol null, the whole exchange, each its own channel.
 *   A live event of a market the alert watches also re-arms the whole-exchange channel (the exchange
 *   is live if one of its markets is); a whole-exchange live event re-arms only the whole-exchange
 *   channel (a market can stay stale while the connection is up).
 * - 'once' alerts disable themselves when they fire (the firing says `disabled`).
 * - Snoozed and disabled alerts keep observing, so their state stays current, but do not fire: a
 *   crossing during a snooze is swallowed, and waking up fires nothing for it (nor for one that
 *   happened and reverted). Snoozes compare with the data's time.
 * - Each channel accepts one observation per time: an event at or before the last time seen is ignored,
 *   so the same data delivered twice (or replayed after a reconnect) changes nothing. Fills are
 *   recognised by id.
 * - Firings are `late` when the data was not live, was older than `staleAfterMs` at `now`, follows a
 *   gap of more than `gapMs` (plus one candle for candles) in that alert's data, or is a catch-up
 *   candle delivered together with newer ones; the message ends with the reason.
 */

export interface AlertState {
  /** The condition this state belongs to (the kind's own fields as JSON): a changed condition starts over. */
  condition: string;
  /**
   * Crossing state per channel: '' for prices and indicators, 'up' and 'down' for percent moves, the
   * account, the pair or the feed for risk events.
   */
  channels: Record<string, LevelChannel>;
  firedCount: number;
  lastFiredAt: number | null;
}

export interface EvaluatorState {
  v: 1;
  alerts: Record<string, AlertState>;
  /** Price windows of percent-move alerts, by `windowKey` (symbol and window length). */
  windows: Record<string, PriceWindowState>;
  /** Ids of recent fills, newest last, so a fill delivered twice fires once. */
  seenFills: string[];
}

export interface EvaluateOptions {
  /** false when the data is not live: it arrived after the engine was offline, or comes from storage. */
  live: boolean;
  /** The current time (epoch ms), when known: data older than `staleAfterMs` at `now` is late. */
  now?: number;
}

export interface AlertEvaluatorOptions {
  /**
   * A previous `toJSON()`; unreadable parts start fresh: a fresh price or indicator channel only
   * observes, a fresh risk channel starts armed (so a breach still standing fires once more).
   */
  state?: unknown;
  /** Data older than this at `now` makes a firing late. Default: the risk limits' stale-data default. */
  staleAfterMs?: number;
  /** A longer silence than this between two observations of an alert makes a firing late. Default 60 s. */
  gapMs?: number;
}

/** At most this many candles are walked when several arrive at once (after being offline). */
export const MAX_CATCHUP_CANDLES = 1000;
/**
 * Per alert; the least recently observed channel (correlation pair, account, feed) goes first. It comes
 * back armed if observed again, so a breach still standing then fires once more.
 */
export const MAX_CHANNELS = 1000;
/** Fill ids remembered for duplicate detection. */
export const MAX_SEEN_FILLS = 2000;

const DEFAULT_GAP_MS = 60_000;
const live: EvaluateOptions = { live: true };

const commonKeys = new Set([
  'v',
  'id',
  'name',
  'repeat',
  'hysteresis',
  'snoozedUntil',
  'sound',
  'enabled',
  'createdAt',
]);

function stableJson(x: unknown): string {
  if (x === null || typeof x !== 'object') return JSON.stringify(x) ?? 'null';
  if (Array.isArray(x)) return `[${x.map(stableJson).join(',')}]`;
  const entries = Object.entries(x as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/** The kind's own fields: what the crossing state depends on. Name, snooze, sound and the like do not. */
export function conditionOf(spec: AlertSpec): string {
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) if (!commonKeys.has(k)) own[k] = v;
  return stableJson(own);
}

export function windowKey(spec: PercentMoveAlert): string {
  return `${spec.windowMs}|${spec.symbol}`;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function readChannel(x: unknown): LevelChannel | null {
  if (!isRecord(x)) return null;
  const { armedUp, armedDown, side, value, time } = x;
  if (typeof armedUp !== 'boolean' || typeof armedDown !== 'boolean' || !finite(value) || !finite(time))
    return null;
  if (side !== 'above' && side !== 'below' && side !== 'at') return null;
  return { armedUp, armedDown, side, value, time };
}

function readAlertState(x: unknown): AlertState | null {
  if (!isRecord(x) || typeof x.condition !== 'string' || !isRecord(x.channels)) return null;
  const channels: Record<string, LevelChannel> = {};
  for (const [k, v] of Object.entries(x.channels)) {
    const c = readChannel(v);
    if (c) channels[k] = c;
  }
  const firedCount =
    Number.isInteger(x.firedCount) && (x.firedCount as number) >= 0 ? (x.firedCount as number) : 0;
  const lastFiredAt = finite(x.lastFiredAt) ? x.lastFiredAt : null;
  return { condition: x.condition, channels, firedCount, lastFiredAt };
}

function readWindow(x: unknown): PriceWindowState | null {
  if (!isRecord(x) || !finite(x.windowMs) || !Array.isArray(x.times) || !Array.isArray(x.prices)) return null;
  const { times, prices } = x;
  if (times.length !== prices.length || !times.every(finite) || !prices.every(finite)) return null;
  const lastTime = finite(x.lastTime) ? x.lastTime : null;
  return { windowMs: x.windowMs, times: times.slice(), prices: prices.slice(), lastTime };
}

function copyState(s: AlertState): AlertState {
  const channels: Record<string, LevelChannel> = {};
  for (const [k, c] of Object.entries(s.channels)) channels[k] = { ...c };
  return { condition: s.condition, channels, firedCount: s.firedCount, lastFiredAt: s.lastFiredAt };
}

function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function paramDefaults(name: 'rsi' | 'macd', given: Readonly<Record<string, number | undefined>>) {
  const out: Record<string, number> = {};
  for (const p of findIndicator(name)?.params ?? []) out[p.name] = given[p.name] ?? p.default;
  return out;
}

interface IndicatorSeries {
  /** The value compared with the level: RSI, or MACD - signal. */
  value: Float64Array;
  line?: Float64Array;
  signal?: Float64Array;
}

export class AlertEvaluator {
  private readonly specs = new Map<string, AlertSpec>();
  private readonly states = new Map<string, AlertState>();
  private readonly windows = new Map<string, PriceWindowState>();
  private seenFills: string[] = [];
  private readonly seenFillSet = new Set<string>();
  readonly staleAfterMs: number;
  readonly gapMs: number;

  /** Throws AlertSpecError for a spec that is not valid (symbols are not checked here: see validateAlert). */
  constructor(specs: readonly AlertSpec[] = [], options: AlertEvaluatorOptions = {}) {
    this.staleAfterMs = options.staleAfterMs ?? defaultRiskLimits.staleAfterMs;
    this.gapMs = options.gapMs ?? DEFAULT_GAP_MS;
    this.restore(options.state);
    // Windows are pruned once all alerts are in: pruning after each would drop restored windows of
    // percent-move alerts that come later in the list.
    for (const spec of specs) this.put(spec);
    for (const id of [...this.states.keys()]) if (!this.specs.has(id)) this.states.delete(id);
    this.pruneWindows();
  }

  /** Adds or replaces an alert. The state is kept when the condition is unchanged (a rename, a snooze). */
  upsert(spec: AlertSpec): void {
    this.put(spec);
    this.pruneWindows();
  }

  private put(spec: AlertSpec): void {
    const r = validateAlert(spec, { symbols: null });
    if (!r.ok) throw new AlertSpecError(r.problems);
    const next = r.spec;
    this.specs.set(next.id, next);
    const condition = conditionOf(next);
    const st = this.states.get(next.id);
    if (!st || st.condition !== condition)
      this.states.set(next.id, { condition, channels: {}, firedCount: 0, lastFiredAt: null });
    if (next.kind === 'percent-move' && !this.windows.has(windowKey(next)))
      this.windows.set(windowKey(next), emptyPriceWindow(next.windowMs));
  }

  remove(id: string): boolean {
    const had = this.specs.delete(id);
    this.states.delete(id);
    this.pruneWindows();
    return had;
  }

  /** Snoozes until `until` (epoch ms), or wakes with null. Returns false for an unknown id. */
  snooze(id: string, until: number | null): boolean {
    const spec = this.specs.get(id);
    if (!spec) return false;
    this.upsert({ ...spec, snoozedUntil: until });
    return true;
  }

  /** The alerts as they are now ('once' alerts that fired are disabled). */
  alerts(): AlertSpec[] {
    return [...this.specs.values()].map((s) => structuredClone(s));
  }

  stateOf(id: string): AlertState | undefined {
    const s = this.states.get(id);
    return s && copyState(s);
  }

  toJSON(): EvaluatorState {
    const alerts: Record<string, AlertState> = {};
    for (const [id, s] of this.states) alerts[id] = copyState(s);
    const windows: Record<string, PriceWindowState> = {};
    for (const [k, w] of this.windows) windows[k] = copyPriceWindow(w);
    return { v: 1, alerts, windows, seenFills: this.seenFills.slice() };
  }

  // ---- events ----

  /** A price of `symbol` at `time` (trade or ticker last). Feeds price-cross and percent-move alerts. */
  price(symbol: string, time: number, price: number, opts: EvaluateOptions): AlertFiring[] {
    const out: AlertFiring[] = [];
    if (!finite(time) || !finite(price) || !(price > 0)) return out;
    const fed = new Set<string>();
    for (const spec of this.specs.values()) {
      if (spec.symbol !== symbol) continue;
      if (spec.kind === 'price-cross') this.priceCross(spec, time, price, opts, out);
      else if (spec.kind === 'percent-move') {
        const key = windowKey(spec);
        let w = this.windows.get(key);
        if (!w) this.windows.set(key, (w = emptyPriceWindow(spec.windowMs)));
        if (!fed.has(key)) {
          addPrice(w, time, price);
          fed.add(key);
        }
        this.percentMove(spec, w, time, price, opts, out);
      }
    }
    return out;
  }

  /**
   * Closed candles of `symbol` on `timeframe`, oldest first, the newest just closed (pass the history the
   * indicator needs: RSI and MACD warm up over their periods). Candles closed since the last call are
   * walked in order, so candles that arrive together after being offline are evaluated too (late).
   */
  candleClosed(
    symbol: string,
    timeframe: Timeframe,
    candles: CandleColumns,
    opts: EvaluateOptions = live,
  ): AlertFiring[] {
    const out: AlertFiring[] = [];
    if (!isTimeframe(timeframe) || candles.time.length === 0) return out;
    const cache = new Map<string, IndicatorSeries>();
    for (const spec of this.specs.values())
      if (spec.kind === 'indicator' && spec.symbol === symbol && spec.timeframe === timeframe)
        this.indicator(spec, candles, cache, opts, out);
    return out;
  }

  /** A fill of one of the user's orders. */
  fill(fill: FillRecord, opts: EvaluateOptions = live): AlertFiring[] {
    const out: AlertFiring[] = [];
    if (!isRecord(fill) || typeof fill.id !== 'string' || !finite(fill.time)) return out;
    if (this.seenFillSet.has(fill.id)) return out;
    this.seenFillSet.add(fill.id);
    this.seenFills.push(fill.id);
    if (this.seenFills.length > MAX_SEEN_FILLS) {
      const old = this.seenFills.splice(0, this.seenFills.length - MAX_SEEN_FILLS);
      for (const id of old) this.seenFillSet.delete(id);
    }
    const price = Number(fill.price);
    for (const spec of this.specs.values()) {
      if (spec.kind !== 'order-filled') continue;
      if (spec.accountId !== null && spec.accountId !== fill.accountId) continue;
      if (spec.symbol !== null && spec.symbol !== fill.symbol) continue;
      const st = this.stateFor(spec);
      const late = this.lateness(fill.time, undefined, opts, 0);
      this.emit(
        spec.id,
        st,
        fill.time,
        finite(price) ? price : null,
        fillMessage(fill),
        late,
        fill.symbol,
        out,
      );
    }
    return out;
  }

  /** A risk event from the trading or market worker. */
  risk(event: RiskAlertEvent, opts: EvaluateOptions = live): AlertFiring[] {
    const out: AlertFiring[] = [];
    if (!isRecord(event) || !finite(event.time)) return out;
    for (const spec of this.specs.values())
      if (spec.kind === 'risk' && spec.event === event.kind) this.riskEvent(spec, event, opts, out);
    return out;
  }

  // ---- per kind ----

  private priceCross(
    spec: PriceCrossAlert,
    time: number,
    price: number,
    opts: EvaluateOptions,
    out: AlertFiring[],
  ) {
    const st = this.stateFor(spec);
    const prev = st.channels[''];
    if (prev !== undefined && !(time > prev.time)) return;
    const level = Number(spec.level);
    const { channel, crossed } = observeLevel(prev, price, time, level, level * hysteresisOf(spec));
    st.channels[''] = channel;
    if (crossed === null || !wanted(spec.direction, crossed)) return;
    const late = this.lateness(time, prev?.time, opts, 0);
    this.emit(
      spec.id,
      st,
      time,
      price,
      priceCrossMessage(spec.symbol, spec.level, price, crossed),
      late,
      spec.symbol,
      out,
    );
  }

  private percentMove(
    spec: PercentMoveAlert,
    w: PriceWindowState,
    time: number,
    price: number,
    opts: EvaluateOptions,
    out: AlertFiring[],
  ) {
    const ref = referenceOf(w);
    if (ref === null) return;
    const move = ((price - ref.price) / ref.price) * 100;
    if (!finite(move)) return;
    const band = spec.percent * hysteresisOf(spec);
    const exact = exactMove(ref.price, price, spec.percent, hysteresisOf(spec));
    const st = this.stateFor(spec);
    for (const dir of spec.direction === 'either' ? (['up', 'down'] as const) : [spec.direction]) {
      const prev = st.channels[dir];
      if (prev !== undefined && !(time > prev.time)) continue;
      // Each direction is its own level: the move up reaching +percent, the move down reaching -percent.
      const sign = dir === 'up' ? 1 : -1;
      const pos = exact ? exact.position(sign) : positionOf(sign * move, spec.percent, band);
      const { channel, crossed } = stepLevel(prev, pos, sign * move, time);
      st.channels[dir] = channel;
      if (crossed !== 'up') continue;
      const late = this.lateness(time, prev?.time, opts, 0);
      const value = exact ? exact.percent() : move;
      this.emit(
        spec.id,
        st,
        time,
        value,
        percentMoveMessage(spec.symbol, value, ref, time, price),
        late,
        spec.symbol,
        out,
      );
    }
  }

  private series(spec: IndicatorAlert, candles: CandleColumns, cache: Map<string, IndicatorSeries>) {
    const p = paramDefaults(spec.indicator, spec.params);
    const key = `${spec.indicator}|${stableJson(p)}`;
    let s = cache.get(key);
    if (!s) {
      if (spec.indicator === 'rsi') s = { value: rsi(candles.close, p.period) };
      else {
        const m = macd(candles.close, p.fast, p.slow, p.signal);
        s = { value: m.hist, line: m.macd, signal: m.signal };
      }
      cache.set(key, s);
    }
    return { s, p };
  }

  private indicator(
    spec: IndicatorAlert,
    candles: CandleColumns,
    cache: Map<string, IndicatorSeries>,
    opts: EvaluateOptions,
    out: AlertFiring[],
  ) {
    const { s, p } = this.series(spec, candles, cache);
    const st = this.stateFor(spec);
    const step = timeframeMs[spec.timeframe];
    const n = candles.time.length;
    let prev = st.channels[''];
    let from = n - 1;
    if (prev !== undefined) {
      const seen = prev.time;
      const stop = Math.max(0, n - MAX_CATCHUP_CANDLES);
      from = n;
      while (from > stop && (candles.time[from - 1] as number) + step > seen) from--;
    }
    const h = hysteresisOf(spec);
    for (let i = from; i < n; i++) {
      const closedAt = (candles.time[i] as number) + step;
      const value = s.value[i] as number;
      if (!finite(closedAt) || !finite(value) || (prev !== undefined && !(closedAt > prev.time))) continue;
      const level = spec.indicator === 'rsi' ? spec.level : 0;
      const band = spec.indicator === 'rsi' ? h : h * Math.abs(candles.close[i] as number);
      const r = observeLevel(prev, value, closedAt, level, finite(band) ? band : 0);
      st.channels[''] = r.channel;
      const before = prev;
      prev = r.channel;
      if (r.crossed === null || !wanted(spec.condition, r.crossed)) continue;
      const late =
        i < n - 1
          ? `from the ${spec.timeframe} candle closed at ${utcMinute(closedAt)}, which arrived together with newer candles`
          : this.lateness(closedAt, before?.time, opts, step);
      const message =
        spec.indicator === 'rsi'
          ? rsiMessage(spec.symbol, spec.timeframe, p.period as number, spec.level, value, r.crossed)
          : macdMessage(
              spec.symbol,
              spec.timeframe,
              { fast: p.fast as number, slow: p.slow as number, signal: p.signal as number },
              s.line?.[i] as number,
              s.signal?.[i] as number,
              r.crossed,
            );
      this.emit(spec.id, st, closedAt, value, message, late, spec.symbol, out);
    }
  }

  private riskEvent(spec: RiskAlert, e: RiskAlertEvent, opts: EvaluateOptions, out: AlertFiring[]) {
    const st = this.stateFor(spec);
    // Risk events come when something changes, not at a steady pace: a long silence is not a gap.
    const late = this.lateness(e.time, undefined, opts, 0);
    switch (e.kind) {
      case 'breaker-tripped': {
        // An event, not a level: every trip fires (a breaker stays halted until re-armed by hand).
        const key = String(e.accountId);
        const prev = st.channels[key];
        if (prev !== undefined && !(e.time > prev.time)) return;
        this.setChannel(st, key, { armedUp: false, armedDown: false, side: 'above', value: 1, time: e.time });
        this.emit(spec.id, st, e.time, null, breakerMessage(e), late, null, out);
        return;
      }
      case 'drawdown': {
        const threshold = spec.threshold as number;
        const step = this.level(
          st,
          String(e.accountId),
          e.drawdown,
          e.time,
          threshold,
          threshold * hysteresisOf(spec),
        );
        if (step?.crossed === 'up')
          this.emit(spec.id, st, e.time, e.drawdown, drawdownMessage(e, threshold), late, null, out);
        return;
      }
      case 'correlation-shock': {
        const threshold = spec.threshold as number;
        const base = spec.symbol === null ? null : (spec.symbol.split('/')[0] ?? spec.symbol);
        if (!Array.isArray(e.pairs)) return;
        for (const pair of e.pairs) {
          if (typeof pair !== 'object' || pair === null || !finite(pair.change)) continue;
          if (base !== null && pair.a !== base && pair.b !== base) continue;
          const key = [String(pair.a), String(pair.b)].sort().join('/');
          const step = this.level(
            st,
            key,
            Math.abs(pair.change),
            e.time,
            threshold,
            threshold * hysteresisOf(spec),
          );
          if (step?.crossed === 'up')
            this.emit(
              spec.id,
              st,
              e.time,
              pair.change,
              correlationMessage(pair, threshold),
              late,
              spec.symbol,
              out,
            );
        }
        return;
      }
      case 'feed-stale': {
        if (spec.symbol !== null && e.symbol !== null && e.symbol !== spec.symbol) return;
        // One channel per market and one for the whole exchange ('binance|*'). Stale is 1, live is 0, the
        // level between them: going stale fires, coming back re-arms.
        const key = `${e.exchange}|${e.symbol ?? '*'}`;
        const step = this.level(st, key, e.stale ? 1 : 0, e.time, 0.5, 0);
        // A market of the exchange that is live (one this alert watches) means the exchange feed is live
        // again, so it re-arms the whole-exchange channel too: the market worker may report the recovery
        // per market only. The other way round does not hold (a market can stay stale while the
        // connection is live), so a whole-exchange live event re-arms only its own channel.
        const whole = `${e.exchange}|*`;
        if (!e.stale && e.symbol !== null && whole in st.channels) this.level(st, whole, 0, e.time, 0.5, 0);
        if (step?.crossed === 'up')
          this.emit(spec.id, st, e.time, e.ageMs, feedStaleMessage(e), late, e.symbol ?? spec.symbol, out);
        return;
      }
    }
  }

  // ---- shared ----

  /**
   * One observation of a risk channel; null for a duplicate time or an unreadable value. A new channel
   * starts armed ('from-below'), so a first value already past the level fires.
   */
  private level(st: AlertState, key: string, value: number, time: number, level: number, band: number) {
    if (!finite(value)) return null;
    const prev = st.channels[key];
    if (prev !== undefined && !(time > prev.time)) return null;
    const step = observeLevel(prev, value, time, level, band, 'from-below');
    this.setChannel(st, key, step.channel);
    return step;
  }

  private setChannel(st: AlertState, key: string, channel: LevelChannel) {
    const isNew = !(key in st.channels);
    st.channels[key] = channel;
    if (!isNew) return;
    const keys = Object.keys(st.channels);
    if (keys.length <= MAX_CHANNELS) return;
    let oldest = keys[0] as string;
    for (const k of keys)
      if ((st.channels[k] as LevelChannel).time < (st.channels[oldest] as LevelChannel).time) oldest = k;
    delete st.channels[oldest];
  }

  private stateFor(spec: AlertSpec): AlertState {
    let st = this.states.get(spec.id);
    if (!st) {
      st = { condition: conditionOf(spec), channels: {}, firedCount: 0, lastFiredAt: null };
      this.states.set(spec.id, st);
    }
    return st;
  }

  /** Why a firing at `time` is late, or null when it is not. `step`: the data's usual spacing. */
  private lateness(
    time: number,
    prevTime: number | undefined,
    opts: EvaluateOptions,
    step: number,
  ): string | null {
    if (opts.live === false)
      return 'evaluated from data that was not live (it arrived after the engine was offline)';
    const now = opts.now;
    if (now !== undefined && finite(now) && now - time > this.staleAfterMs)
      return `the data was ${formatSpan(now - time)} old when it was evaluated`;
    if (prevTime !== undefined && time - prevTime > this.gapMs + step)
      return `the data before it is ${formatSpan(time - prevTime)} older, so the crossing happened somewhere in that gap`;
    return null;
  }

  private emit(
    id: string,
    st: AlertState,
    time: number,
    value: number | null,
    message: string,
    late: string | null,
    symbol: string | null,
    out: AlertFiring[],
  ) {
    const spec = this.specs.get(id);
    if (!spec || !spec.enabled || time < spec.createdAt) return;
    if (spec.snoozedUntil !== null && time < spec.snoozedUntil) return;
    st.firedCount += 1;
    st.lastFiredAt = time;
    const disabled = spec.repeat === 'once';
    if (disabled) this.specs.set(id, { ...spec, enabled: false });
    out.push({
      alertId: id,
      name: spec.name,
      kind: spec.kind,
      symbol,
      time,
      message: withLateness(message, late),
      value,
      late: late !== null,
      sound: spec.sound,
      disabled,
    });
  }

  private pruneWindows() {
    const used = new Set<string>();
    for (const s of this.specs.values()) if (s.kind === 'percent-move') used.add(windowKey(s));
    for (const k of [...this.windows.keys()]) if (!used.has(k)) this.windows.delete(k);
  }

  private restore(raw: unknown) {
    if (!isRecord(raw) || raw.v !== 1) return;
    if (isRecord(raw.alerts))
      for (const [id, s] of Object.entries(raw.alerts)) {
        const st = readAlertState(s);
        if (st) this.states.set(id, st);
      }
    if (isRecord(raw.windows))
      for (const [k, w] of Object.entries(raw.windows)) {
        const win = readWindow(w);
        if (win) this.windows.set(k, win);
      }
    if (Array.isArray(raw.seenFills)) {
      const ids = raw.seenFills.filter((x): x is string => typeof x === 'string').slice(-MAX_SEEN_FILLS);
      this.seenFills = ids;
      for (const id of ids) this.seenFillSet.add(id);
    }
  }
}

/**
 * The move from `ref` to `price` compared exactly with a percent and its band, on the prices' shortest
 * decimal text (what the exchange sent): 1 -> 1.15 is a move of exactly 15 %, where floats give
 * 14.999999999999991 and a 15 % alert would miss it. The percent and the band fraction are taken at
 * their shortest decimal text too. null when a number has no decimal form (out of Decimal's range):
 * floats decide then.
 */
function exactMove(ref: number, price: number, percent: number, bandFraction: number) {
  const r = Decimal.tryFrom(ref);
  const p = Decimal.tryFrom(price);
  const level = Decimal.tryFrom(percent);
  const h = Decimal.tryFrom(bandFraction);
  if (r === null || p === null || level === null || h === null || !r.isPositive()) return null;
  // move = (price - ref) / ref x 100, so sign x move against a target t is sign x (price - ref) x 100
  // against t x ref (ref > 0): no division, nothing rounded.
  const scaled = p.sub(r).mul(100);
  const band = level.mul(h);
  const vs = (sign: 1 | -1, target: Decimal) => (sign === 1 ? scaled : scaled.neg()).cmp(target.mul(r));
  return {
    position: (sign: 1 | -1): LevelPosition => ({
      vsLevel: vs(sign, level),
      belowBand: vs(sign, level.sub(band)) < 0,
      aboveBand: vs(sign, level.add(band)) > 0,
    }),
    /**
     * The move in percent, rounded away from zero at 12 decimals: a move that reached the percent is
     * never reported (or shown) under it.
     */
    percent: (): number => scaled.div(r, 12, 'up').toNumber(),
  };
}

function wanted(direction: string, crossed: Exclude<Crossing, null>): boolean {
  if (direction === 'either') return true;
  return crossed === 'up'
    ? direction === 'above' || direction === 'up' || direction === 'cross-above'
    : direction === 'below' || direction === 'down' || direction === 'cross-below';
}
