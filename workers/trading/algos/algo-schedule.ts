import type { CandleColumns } from '../../market/candle-series.js';
import { Decimal } from '../../money/decimal.js';
import { snapAmount, snapPrice, type MarketRules } from '../../money/market-rules.js';
import { minimumOrderAmount } from '../sizing/position-sizing.js';
import type { AlgoKind, AlgoParams, AlgoRecord, Side } from '../types.js';

/**
 * Execution-algorithm scheduling: which child orders an algo sends now. `planChildren` is a pure function
 * of the algo record and a market view, so a service that crashes between planning and persisting
 * recomputes the same plan on resume: child ids are `${algo.id}-${index}`, and indices only move forward
 * (`algo.nextChild`), so no child is ever sent twice.
 *
 * Amounts are exact decimals floored to the market's lot. A child below the market minimum (minimum amount
 * or minimum order value at the current price) is never planned: its amount rolls forward instead.
 */

export interface AlgoMarketView {
  now: number;
  bestBid: number;
  bestAsk: number;
  rules: MarketRules;
  /** Unfilled amount of children still working. */
  openChildRemaining: Decimal;
  /** Sum of all children sent so far (filled or working), minus what expired or was cancelled unfilled. */
  sentAmount: Decimal;
}

export interface AlgoChild {
  /** Client id suffix: the child's id is `${algo.id}-${index}`; the next plan starts at index + 1. */
  index: number;
  amount: Decimal;
  type: 'market' | 'limit';
  price: Decimal | null;
}

export interface AlgoPlan {
  children: AlgoChild[];
  /** Nothing more will be sent and nothing is working: the algo has finished. */
  done: boolean;
  /** When the schedule next has something due (TWAP/VWAP), or null when only events (fills, tape) matter. */
  nextWakeAt: number | null;
  /** Why the plan is not the obvious one (a slice merged, a remainder below the minimum), in words. */
  note: string | null;
}

export const algoLimits = {
  minSlices: 1,
  maxSlices: 1000,
  minDurationMs: 10_000,
  maxDurationMs: 86_400_000,
  minParticipationPct: 1,
  maxParticipationPct: 50,
} as const;

/** Offset of slice i from the schedule start: integer milliseconds, the same everywhere it is used. */
function sliceOffset(i: number, durationMs: number, slices: number): number {
  return Math.floor((i * durationMs) / slices);
}

/** When slice `index` of a TWAP/VWAP is due: start + paused time + index × duration / slices. */
export function sliceDueAt(algo: AlgoRecord, index: number): number {
  const { durationMs = 0, slices = 1 } = algo.params;
  return algo.startedAt + algo.pausedMs + sliceOffset(index, durationMs, slices);
}

interface Context {
  algo: AlgoRecord;
  view: AlgoMarketView;
  rules: MarketRules;
  total: Decimal;
  /** Limit price for children (snapped to the tick on the safe side), or null for market children. */
  limit: Decimal | null;
  /** Price the minimum order value is checked at. */
  refPrice: Decimal | null;
  /** Smallest child the market accepts at refPrice. */
  min: Decimal;
  remaining: Decimal;
  /** remaining floored to the lot: what can still be sent. */
  remLot: Decimal;
  working: boolean;
}

function plan(
  children: AlgoChild[],
  done: boolean,
  nextWakeAt: number | null = null,
  note: string | null = null,
): AlgoPlan {
  return { children, done, nextWakeAt, note };
}

function cannotRun(message: string): AlgoPlan {
  return plan([], true, null, `Cannot run: ${message}`);
}

function referencePrice(algo: AlgoRecord, view: AlgoMarketView, limit: Decimal | null): Decimal | null {
  if (limit) return limit;
  const sides = algo.side === 'buy' ? [view.bestAsk, view.bestBid] : [view.bestBid, view.bestAsk];
  for (const p of sides) {
    const price = Number.isFinite(p) && p > 0 ? Decimal.tryFrom(p) : null;
    if (price && price.isPositive()) return price;
  }
  const arrival = Decimal.tryFrom(algo.arrivalPrice);
  return arrival && arrival.isPositive() ? arrival : null;
}

function child(ctx: Context, index: number, amount: Decimal): AlgoChild {
  return ctx.limit
    ? { index, amount, type: 'limit', price: ctx.limit }
    : { index, amount, type: 'market', price: null };
}

function joinNotes(...notes: Array<string | null>): string | null {
  const parts = notes.filter((n): n is string => n !== null);
  return parts.length === 0 ? null : parts.join(' ');
}

function unsentNote(ctx: Context): string {
  const { rules } = ctx;
  return `${ctx.remaining} ${rules.base} left unsent: below the minimum order of ${ctx.min} ${rules.base}${ctx.refPrice ? ` at ${ctx.refPrice}` : ''}.`;
}

/**
 * Shrinks `amount` so that what would remain afterwards is either nothing or at least the minimum: a
 * remainder below the minimum could never be sent. Returns null when no such amount exists (the child is
 * held back and its amount rolls forward).
 */
function avoidStrandedTail(ctx: Context, amount: Decimal): Decimal | null {
  const after = ctx.remLot.sub(amount);
  if (!after.isPositive() || after.gte(ctx.min)) return amount;
  const reduced = ctx.remLot.sub(ctx.min);
  return reduced.gte(ctx.min) ? reduced : null;
}

function contextOf(algo: AlgoRecord, view: AlgoMarketView): Context | string {
  const rules = view.rules;
  const total = Decimal.tryFrom(algo.amount);
  if (total === null || !total.isPositive()) return `the amount "${algo.amount}" is not a positive number.`;
  let limit: Decimal | null = null;
  const lp = algo.params.limitPrice;
  if (lp !== undefined && lp !== null && lp !== '') {
    const parsed = Decimal.tryFrom(lp);
    if (parsed === null || !parsed.isPositive()) return `the limit price "${lp}" is not a positive number.`;
    limit = snapPrice(rules, parsed, algo.side);
  }
  const refPrice = referencePrice(algo, view, limit);
  const remaining = total.sub(view.sentAmount);
  return {
    algo,
    view,
    rules,
    total,
    limit,
    refPrice,
    min: minimumOrderAmount(rules, refPrice),
    remaining,
    remLot: remaining.isPositive() ? snapAmount(rules, remaining) : Decimal.ZERO,
    working: view.openChildRemaining.isPositive(),
  };
}

/**
 * The children to send now. Paused algos (status paused, or a pause time set) send nothing; cancelled,
 * completed and failed ones are done.
 * A plan that sends children is never `done`: the algo finishes on a later plan, once nothing is working.
 */
export function planChildren(algo: AlgoRecord, view: AlgoMarketView): AlgoPlan {
  if (algo.status === 'cancelled' || algo.status === 'completed' || algo.status === 'failed')
    return plan([], true, null, `The algo is ${algo.status}.`);
  if (algo.status === 'paused' || algo.pausedAt !== null) return plan([], false, null, 'Paused.');
  const ctx = contextOf(algo, view);
  if (typeof ctx === 'string') return cannotRun(ctx);
  if (!ctx.remaining.isPositive()) return plan([], !ctx.working);
  switch (algo.kind) {
    case 'twap':
    case 'vwap':
      return planSchedule(ctx);
    case 'iceberg':
      return planIceberg(ctx);
    case 'pov':
      return planPov(ctx);
  }
}

/** Cumulative weight share after each slice (the last exactly 1), or null when the weights are unusable. */
function cumulativeWeights(weights: readonly number[] | undefined, slices: number): number[] | null {
  if (!weights || weights.length !== slices) return null;
  let sum = 0;
  for (const w of weights) {
    if (!Number.isFinite(w) || w < 0) return null;
    sum += w;
  }
  if (!(sum > 0)) return null;
  const out: number[] = [];
  let acc = 0;
  for (const w of weights) {
    acc += w;
    out.push(Math.min(1, acc / sum));
  }
  out[slices - 1] = 1;
  return out;
}

/**
 * TWAP and VWAP. Slice i is due at start + pausedMs + i × duration / slices. The schedule is cumulative:
 * by slice i the algo should have sent total × (i + 1) / slices (TWAP) or total × (w0 + … + wi) (VWAP),
 * floored to the lot, so slice i sends that target minus what was sent. On schedule this is exactly
 * (total − sent) / (slices − i) per TWAP slice; a slice that was skipped (below the minimum), a child
 * that expired unfilled, or several slices due at once (catching up after a restart) all roll into the
 * next due slice, sent as one child whose index is that slice's. The last slice sends everything left.
 */
function planSchedule(ctx: Context): AlgoPlan {
  const { algo, view, rules, total } = ctx;
  const { durationMs, slices } = algo.params;
  if (slices === undefined || !Number.isInteger(slices) || slices < 1)
    return cannotRun(`the number of slices (${slices}) is not a whole number of at least 1.`);
  if (durationMs === undefined || !Number.isFinite(durationMs) || durationMs < 0)
    return cannotRun(`the duration (${durationMs} ms) is not usable.`);

  let cumulative: number[] | null = null;
  let weightNote: string | null = null;
  if (algo.kind === 'vwap') {
    cumulative = cumulativeWeights(algo.params.weights, slices);
    if (cumulative === null) weightNote = 'The VWAP weights are missing or unusable; slices are equal.';
  }
  const targetAfter = (i: number): Decimal => {
    if (i >= slices - 1) return total;
    const scale = rules.step.scale;
    const raw = cumulative
      ? total.mul(Decimal.from((cumulative[i] as number).toFixed(15))).round(scale, 'floor')
      : total.mul(i + 1).div(slices, scale, 'floor');
    return snapAmount(rules, raw);
  };

  const first = algo.nextChild;
  if (first >= slices) {
    // Every slice has been sent: nothing more goes out, whatever expired unfilled stays unsent.
    const note = ctx.working ? null : `The schedule ended with ${ctx.remaining} ${rules.base} not executed.`;
    return plan([], !ctx.working, null, joinNotes(weightNote, note));
  }
  const start = algo.startedAt + algo.pausedMs;
  const due = (i: number) => start + sliceOffset(i, durationMs, slices);
  if (view.now < due(first)) return plan([], false, due(first), weightNote);
  let k = first;
  while (k + 1 < slices && due(k + 1) <= view.now) k++;
  const wake = k + 1 < slices ? due(k + 1) : null;
  const merged =
    k > first
      ? `Slice${k - 1 > first ? `s ${first}–${k - 1}` : ` ${first}`} merged into slice ${k} (not sent on ${k - 1 > first ? 'their' : 'its'} own).`
      : null;

  if (k === slices - 1) {
    // The last slice takes everything left, if the market accepts it.
    if (ctx.remLot.gte(ctx.min))
      return plan([child(ctx, k, ctx.remLot)], false, null, joinNotes(weightNote, merged));
    if (ctx.working)
      return plan(
        [],
        false,
        null,
        joinNotes(weightNote, `Waiting for working children; ${ctx.remaining} ${rules.base} remain.`),
      );
    return plan([], true, null, joinNotes(weightNote, unsentNote(ctx)));
  }

  const want = snapAmount(rules, Decimal.min(targetAfter(k), total).sub(view.sentAmount));
  if (!want.isPositive()) return plan([], false, wake, weightNote);
  if (want.lt(ctx.min))
    return plan(
      [],
      false,
      wake,
      joinNotes(
        weightNote,
        `Slice ${k} (${want} ${rules.base}) is below the minimum order of ${ctx.min} ${rules.base}; it rolls into slice ${k + 1}.`,
      ),
    );
  const amount = avoidStrandedTail(ctx, want);
  if (amount === null)
    return plan(
      [],
      false,
      wake,
      joinNotes(
        weightNote,
        `Slice ${k} would leave less than the minimum order of ${ctx.min} ${rules.base} for later; it rolls into slice ${k + 1}.`,
      ),
    );
  const shrunk = amount.lt(want)
    ? `Slice ${k} is ${amount} instead of ${want} ${rules.base} so that the rest stays above the minimum order.`
    : null;
  return plan([child(ctx, k, amount)], false, wake, joinNotes(weightNote, merged, shrunk));
}

/** Iceberg: one limit child of the visible amount at a time; the next goes out when it has filled. */
function planIceberg(ctx: Context): AlgoPlan {
  const { algo, rules } = ctx;
  if (!ctx.limit) return cannotRun('an iceberg needs a limit price.');
  const visible = Decimal.tryFrom(algo.params.visible);
  if (visible === null || !visible.isPositive())
    return cannotRun(`the visible amount "${algo.params.visible}" is not a positive number.`);
  if (ctx.working) return plan([], false);
  if (ctx.remLot.lt(ctx.min)) return plan([], true, null, unsentNote(ctx));
  let amount = snapAmount(rules, Decimal.min(visible, ctx.remLot));
  let note: string | null = null;
  if (amount.lt(ctx.min)) {
    amount = ctx.min;
    note = `The visible amount is below the minimum order; each child shows ${ctx.min} ${rules.base}.`;
  }
  const after = ctx.remLot.sub(amount);
  if (after.isPositive() && after.lt(ctx.min)) {
    note = `The last child shows ${ctx.remLot} ${rules.base}: what would be left after ${amount} is below the minimum order.`;
    amount = ctx.remLot;
  }
  return plan([child(ctx, algo.nextChild, amount)], false, null, note);
}

/**
 * POV: by now the algo should have sent participation % of the volume traded since it started
 * (`algo.observedVolume`), never more than the total. A market child (or limit, when a limit price is
 * set) makes up the difference, floored to the lot, once it reaches the minimum and nothing is working.
 */
function planPov(ctx: Context): AlgoPlan {
  const { algo, view, rules, total } = ctx;
  const p = Decimal.tryFrom(algo.params.participation);
  if (p === null || !p.isPositive() || p.gt(100))
    return cannotRun(`the participation "${algo.params.participation}" is not a percent above 0.`);
  if (ctx.working) return plan([], false);
  if (ctx.remLot.lt(ctx.min)) return plan([], true, null, unsentNote(ctx));
  const observed = Decimal.tryFrom(algo.observedVolume);
  const volume = observed && observed.isPositive() ? observed : Decimal.ZERO;
  const target = Decimal.min(volume.mul(p).div(100, volume.scale + p.scale + 2, 'floor'), total);
  const want = snapAmount(rules, target.sub(view.sentAmount));
  if (want.lt(ctx.min)) return plan([], false);
  const amount = avoidStrandedTail(ctx, want);
  if (amount === null)
    return plan(
      [],
      false,
      null,
      `Holding ${want} ${rules.base} until the rest (${ctx.remLot} ${rules.base}) can go as one order: less than the minimum would be left.`,
    );
  return plan([child(ctx, algo.nextChild, amount)], false);
}

/**
 * Historical volume profile for a VWAP run: the share of volume each slice's time of day (UTC) usually
 * carries.
 *
 * Method: every candle is taken to trade its volume evenly over [time, time + interval), where the
 * interval is the smallest gap between consecutive candles. Each slice window of the run is mapped to its
 * time of day (wrapping at midnight), and every historical candle is overlapped with it on the clock, on
 * whichever day it was. Per slice, the overlapped volume divided by the overlapped time is the average
 * volume rate at that time of day across the days in the history (days with gaps simply contribute no
 * time, so they do not drag the average down); the slice's weight is that rate × its length. Slices the
 * history never covers get the average rate of the covered ones. Candles that had not closed by `startAt`
 * are left out (a forming candle's volume is partial). The weights are normalised to sum 1; with fewer
 * than two usable candles, no volume, or daily or longer candles (no intraday shape), they are uniform.
 */
export function volumeProfile(
  candles: CandleColumns,
  startAt: number,
  durationMs: number,
  slices: number,
): number[] {
  const n = Math.max(0, Math.floor(slices));
  if (n === 0) return [];
  const uniform = () => new Array<number>(n).fill(1 / n);
  const day = 86_400_000;
  if (!Number.isFinite(durationMs) || durationMs <= 0 || !Number.isFinite(startAt)) return uniform();

  const times = candles.time;
  let interval = Infinity;
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i] as number) - (times[i - 1] as number);
    if (gap > 0 && gap < interval) interval = gap;
  }
  if (!Number.isFinite(interval) || interval >= day) return uniform();

  // The same slice boundaries as the schedule; on the clock a window covers at most one day.
  const windows: Array<{ from: number; length: number; clock: number }> = [];
  for (let i = 0; i < n; i++) {
    const a = sliceOffset(i, durationMs, n);
    const b = sliceOffset(i + 1, durationMs, n);
    windows.push({ from: mod(startAt + a, day), length: b - a, clock: Math.min(b - a, day) });
  }
  const volume = new Float64Array(n);
  const covered = new Float64Array(n);
  let total = 0;
  for (let c = 0; c < times.length; c++) {
    const t = times[c] as number;
    const v = candles.volume[c] as number;
    if (!Number.isFinite(t) || !Number.isFinite(v) || v < 0 || t + interval > startAt) continue;
    const from = mod(t, day);
    for (let i = 0; i < n; i++) {
      const w = windows[i] as { from: number; clock: number };
      const overlap = circularOverlap(w.from, w.clock, from, interval, day);
      if (overlap <= 0) continue;
      covered[i] = (covered[i] as number) + overlap;
      volume[i] = (volume[i] as number) + (v * overlap) / interval;
      total += (v * overlap) / interval;
    }
  }
  if (!(total > 0)) return uniform();
  const rate = new Float64Array(n);
  let rateSum = 0;
  let coveredSlices = 0;
  for (let i = 0; i < n; i++) {
    if ((covered[i] as number) > 0) {
      rate[i] = (volume[i] as number) / (covered[i] as number);
      rateSum += rate[i] as number;
      coveredSlices++;
    }
  }
  const fill = rateSum / coveredSlices;
  const weights = new Array<number>(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = (covered[i] as number) > 0 ? (rate[i] as number) : fill;
    weights[i] = r * (windows[i] as { length: number }).length;
    sum += weights[i] as number;
  }
  if (!(sum > 0)) return uniform();
  return weights.map((w) => w / sum);
}

function mod(x: number, m: number): number {
  return ((x % m) + m) % m;
}

/** Overlap (ms) of two intervals on a clock of length `period`; both start in [0, period), lengths <= period. */
function circularOverlap(
  aFrom: number,
  aLength: number,
  bFrom: number,
  bLength: number,
  period: number,
): number {
  let total = 0;
  for (const shift of [-period, 0, period]) {
    const lo = Math.max(aFrom, bFrom + shift);
    const hi = Math.min(aFrom + aLength, bFrom + shift + bLength);
    if (hi > lo) total += hi - lo;
  }
  return total;
}

/**
 * Problems with an algo's parameters, each saying how to fix it; empty when the algo can start. Slice
 * sizes are checked against the minimum amount, and against the minimum order value when a limit price
 * makes it predictable.
 */
export function validateAlgoParams(
  kind: AlgoKind,
  params: AlgoParams,
  amount: Decimal,
  rules: MarketRules,
): string[] {
  const out: string[] = [];
  const { base, quote } = rules;
  if (!amount.isPositive()) {
    out.push('Enter an amount above zero.');
    return out;
  }
  if (!amount.isMultipleOf(rules.step))
    out.push(
      `The amount must be a multiple of the lot ${rules.step} ${base}; try ${snapAmount(rules, amount)}.`,
    );

  let limit: Decimal | null = null;
  const lp = params.limitPrice;
  if (lp !== undefined && lp !== null && lp !== '') {
    limit = Decimal.tryFrom(lp);
    if (limit === null || !limit.isPositive()) {
      out.push(`The limit price "${lp}" must be a number above zero.`);
      limit = null;
    } else if (!limit.isMultipleOf(rules.tick))
      out.push(
        `The limit price must be a multiple of the tick ${rules.tick} ${quote}; try ${limit.roundToStep(rules.tick, 'half-even')}.`,
      );
  }
  const min = minimumOrderAmount(rules, limit);
  const minText = `${min} ${base}${limit && rules.minNotional ? ` (at ${limit} ${quote})` : ''}`;
  if (amount.lt(min)) out.push(`The amount is below the market minimum of ${minText}; raise it.`);

  switch (kind) {
    case 'twap':
    case 'vwap': {
      const { slices, durationMs, weights } = params;
      const slicesOk =
        slices !== undefined &&
        Number.isInteger(slices) &&
        slices >= algoLimits.minSlices &&
        slices <= algoLimits.maxSlices;
      if (!slicesOk)
        out.push(`Slices must be a whole number from ${algoLimits.minSlices} to ${algoLimits.maxSlices}.`);
      if (
        durationMs === undefined ||
        !Number.isFinite(durationMs) ||
        durationMs < algoLimits.minDurationMs ||
        durationMs > algoLimits.maxDurationMs
      )
        out.push('The duration must be between 10 seconds and 24 hours.');
      if (slicesOk && slices !== undefined) {
        const slice = snapAmount(rules, amount.div(slices, rules.step.scale, 'floor'));
        if (slice.lt(min) && amount.gte(min)) {
          const most = Math.max(1, Number(amount.div(min, 0, 'floor').toString()));
          out.push(
            `Each slice would be ${slice} ${base}, below the market minimum of ${minText}; use at most ${most} slice${most === 1 ? '' : 's'} or a larger amount.`,
          );
        }
        if (kind === 'vwap' && weights !== undefined) {
          const sum = weights.reduce((s, w) => s + w, 0);
          if (weights.length !== slices || weights.some((w) => !Number.isFinite(w) || w < 0))
            out.push(
              `VWAP weights must be ${slices} non-negative numbers, one per slice; rebuild the volume profile.`,
            );
          else if (Math.abs(sum - 1) > 1e-6)
            out.push(`VWAP weights must sum to 1 (they sum to ${sum}); rebuild the volume profile.`);
        }
      }
      break;
    }
    case 'iceberg': {
      if (limit === null && (lp === undefined || lp === null || lp === ''))
        out.push('An iceberg needs a limit price: its children rest on the book.');
      const visible = Decimal.tryFrom(params.visible);
      if (visible === null || !visible.isPositive()) out.push('Enter a visible amount above zero.');
      else {
        if (visible.gt(amount)) out.push(`The visible amount must be at most the total ${amount} ${base}.`);
        if (!visible.isMultipleOf(rules.step))
          out.push(
            `The visible amount must be a multiple of the lot ${rules.step} ${base}; try ${snapAmount(rules, visible)}.`,
          );
        if (visible.lt(min))
          out.push(`The visible amount is below the market minimum of ${minText}; raise it.`);
      }
      break;
    }
    case 'pov': {
      const p = Decimal.tryFrom(params.participation);
      if (p === null || p.lt(algoLimits.minParticipationPct) || p.gt(algoLimits.maxParticipationPct))
        out.push(
          `Participation must be between ${algoLimits.minParticipationPct} % and ${algoLimits.maxParticipationPct} % of traded volume.`,
        );
      break;
    }
  }
  return out;
}

export interface ExecutionQuality {
  /** cost / filled, to 12 decimals (half-even); null before any fill. */
  avgPrice: Decimal | null;
  /** Against the arrival price, in basis points; positive = worse for the side (paid more, sold for less). */
  slippageBps: number | null;
}

/** Average fill price and slippage against the arrival (mid) price. */
export function executionQuality(
  side: Side,
  arrivalPrice: Decimal,
  filled: Decimal,
  cost: Decimal,
): ExecutionQuality {
  if (!filled.isPositive()) return { avgPrice: null, slippageBps: null };
  const avgPrice = cost.div(filled, 12, 'half-even');
  if (!arrivalPrice.isPositive()) return { avgPrice, slippageBps: null };
  const diff = side === 'buy' ? avgPrice.sub(arrivalPrice) : arrivalPrice.sub(avgPrice);
  const slippageBps = diff.mul(10_000).div(arrivalPrice, 6, 'half-even').toNumber();
  return { avgPrice, slippageBps };
}

export interface AlgoProgress {
  filled: Decimal;
  remaining: Decimal;
  /** filled / amount, 0..1 (for display). */
  fraction: number;
  avgPrice: Decimal | null;
  slippageBps: number | null;
}

/** Progress and execution quality of an algo from its record (filled, cost, arrival price). */
export function algoProgress(algo: AlgoRecord): AlgoProgress {
  const amount = Decimal.tryFrom(algo.amount) ?? Decimal.ZERO;
  const filled = Decimal.tryFrom(algo.filled) ?? Decimal.ZERO;
  const cost = Decimal.tryFrom(algo.cost) ?? Decimal.ZERO;
  const arrival = Decimal.tryFrom(algo.arrivalPrice) ?? Decimal.ZERO;
  const remaining = Decimal.max(amount.sub(filled), Decimal.ZERO);
  const fraction = amount.isPositive() ? Math.min(1, filled.toNumber() / amount.toNumber()) : 0;
  return { filled, remaining, fraction, ...executionQuality(algo.side, arrival, filled, cost) };
}
