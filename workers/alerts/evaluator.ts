import type { CandleColumns } from '../market/candle-series.js';
import { isTimeframe, type Timeframe } from '../market/timeframes.js';
import { defaultRiskLimits } from '../trading/risk/limits.js';
import type { FillRecord } from '../trading/types.js';
import {
  conditionOf,
  copyState,
  finite,
  isRecord,
  readEvaluatorState,
  windowKey,
  type AlertState,
  type EvaluatorState,
} from './evaluator-state.js';
import { orderFilled } from './fill-rules.js';
import { indicator, type IndicatorSeries } from './indicator-rules.js';
import { formatSpan, withLateness } from './messages.js';
import { addPrice, copyPriceWindow, emptyPriceWindow, type PriceWindowState } from './price-window.js';
import { percentMove, priceCross } from './price-rules.js';
import { riskEvent } from './risk-rules.js';
import type { EvaluateOptions, RuleContext } from './rule-context.js';
import type { AlertFiring, AlertSpec, RiskAlertEvent } from './types.js';
import { AlertSpecError, validateAlert } from './validate-alert.js';

export { conditionOf, windowKey, type AlertState, type EvaluatorState } from './evaluator-state.js';
export { MAX_CATCHUP_CANDLES } from './indicator-rules.js';
export { MAX_CHANNELS } from './risk-rules.js';
export type { EvaluateOptions } from './rule-context.js';

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

/** Fill ids remembered for duplicate detection. */
export const MAX_SEEN_FILLS = 2000;

const DEFAULT_GAP_MS = 60_000;
const live: EvaluateOptions = { live: true };

export class AlertEvaluator {
  private readonly specs = new Map<string, AlertSpec>();
  private readonly states = new Map<string, AlertState>();
  private readonly windows = new Map<string, PriceWindowState>();
  private seenFills: string[] = [];
  private readonly seenFillSet = new Set<string>();
  private readonly rules: RuleContext = {
    stateFor: this.stateFor.bind(this),
    lateness: this.lateness.bind(this),
    emit: this.emit.bind(this),
  };
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
      if (spec.kind === 'price-cross') priceCross(this.rules, spec, time, price, opts, out);
      else if (spec.kind === 'percent-move') {
        const key = windowKey(spec);
        let w = this.windows.get(key);
        if (!w) this.windows.set(key, (w = emptyPriceWindow(spec.windowMs)));
        if (!fed.has(key)) {
          addPrice(w, time, price);
          fed.add(key);
        }
        percentMove(this.rules, spec, w, time, price, opts, out);
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
        indicator(this.rules, spec, candles, cache, opts, out);
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
    for (const spec of this.specs.values())
      if (spec.kind === 'order-filled') orderFilled(this.rules, spec, fill, opts, out);
    return out;
  }

  /** A risk event from the trading or market worker. */
  risk(event: RiskAlertEvent, opts: EvaluateOptions = live): AlertFiring[] {
    const out: AlertFiring[] = [];
    if (!isRecord(event) || !finite(event.time)) return out;
    for (const spec of this.specs.values())
      if (spec.kind === 'risk' && spec.event === event.kind) riskEvent(this.rules, spec, event, opts, out);
    return out;
  }

  // ---- shared ----

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
    const saved = readEvaluatorState(raw);
    if (!saved) return;
    for (const [id, st] of saved.alerts) this.states.set(id, st);
    for (const [k, w] of saved.windows) this.windows.set(k, w);
    this.seenFills = saved.seenFills.slice(-MAX_SEEN_FILLS);
    for (const id of this.seenFills) this.seenFillSet.add(id);
  }
}
