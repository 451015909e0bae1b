import { Decimal } from '../money/decimal.js';
import { finite } from './evaluator-state.js';
import { hysteresisOf, observeLevel, positionOf, stepLevel, type LevelPosition } from './level-crossing.js';
import { percentMoveMessage, priceCrossMessage } from './messages.js';
import { referenceOf, type PriceWindowState } from './price-window.js';
import { wanted, type EvaluateOptions, type RuleContext } from './rule-context.js';
import type { AlertFiring, PercentMoveAlert, PriceCrossAlert } from './types.js';

export function priceCross(
  ctx: RuleContext,
  spec: PriceCrossAlert,
  time: number,
  price: number,
  opts: EvaluateOptions,
  out: AlertFiring[],
) {
  const st = ctx.stateFor(spec);
  const prev = st.channels[''];
  if (prev !== undefined && !(time > prev.time)) return;
  const level = Number(spec.level);
  const { channel, crossed } = observeLevel(prev, price, time, level, level * hysteresisOf(spec));
  st.channels[''] = channel;
  if (crossed === null || !wanted(spec.direction, crossed)) return;
  const late = ctx.lateness(time, prev?.time, opts, 0);
  ctx.emit(
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

/** `w` already holds `price`: alerts sharing a window add each price once (AlertEvaluator.price). */
export function percentMove(
  ctx: RuleContext,
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
  const st = ctx.stateFor(spec);
  for (const dir of spec.direction === 'either' ? (['up', 'down'] as const) : [spec.direction]) {
    const prev = st.channels[dir];
    if (prev !== undefined && !(time > prev.time)) continue;
    // Each direction is its own level: the move up reaching +percent, the move down reaching -percent.
    const sign = dir === 'up' ? 1 : -1;
    const pos = exact ? exact.position(sign) : positionOf(sign * move, spec.percent, band);
    const { channel, crossed } = stepLevel(prev, pos, sign * move, time);
    st.channels[dir] = channel;
    if (crossed !== 'up') continue;
    const late = ctx.lateness(time, prev?.time, opts, 0);
    const value = exact ? exact.percent() : move;
    ctx.emit(
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
