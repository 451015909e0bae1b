import { Decimal } from '../../money/decimal.js';
import { groupDigits } from './format.js';
import { parseRiskLimitField, type RiskLimits } from './limits.js';

/** The limits the gate reads, parsed once per distinct set of values (Settings change rarely). */
export interface GateLimits {
  keys: unknown[];
  orderNotional: LimitValue<Decimal>;
  position: LimitValue<Decimal>;
  gross: LimitValue<number>;
  band: LimitValue<Decimal>;
  openOrders: LimitValue<number>;
  dailyLoss: LimitValue<number>;
  staleMs: LimitValue<number>;
  /** The breakers' own settings, when one is unusable: the gate refuses orders rather than trust them. */
  breakerProblem: LimitValue<unknown> | null;
}

/** A parsed limit, or null with the reason it is unusable. */
export interface LimitValue<T> {
  field: keyof RiskLimits;
  value: T | null;
  /** Grouped text for messages ("10,000"). */
  text: string;
  /** The setting as stored ("10000"), for details. */
  raw: string;
  problem: string;
}

let cachedLimits: GateLimits | null = null;

function readLimit<T>(
  limits: RiskLimits,
  field: keyof RiskLimits,
  convert: (v: string | number) => T,
): LimitValue<T> {
  const r = parseRiskLimitField(field, (limits as unknown as Record<string, unknown>)[field]);
  if (!r.ok) return { field, value: null, text: '', raw: '', problem: r.message };
  return {
    field,
    value: convert(r.value),
    text: groupDigits(String(r.value)),
    raw: String(r.value),
    problem: '',
  };
}

export function gateLimits(l: RiskLimits): GateLimits {
  const c = cachedLimits;
  if (
    c !== null &&
    c.keys[0] === l.maxOrderNotional &&
    c.keys[1] === l.maxPositionNotional &&
    c.keys[2] === l.maxGrossExposure &&
    c.keys[3] === l.priceBandPct &&
    c.keys[4] === l.maxOpenOrders &&
    c.keys[5] === l.dailyLossLimit &&
    c.keys[6] === l.staleAfterMs &&
    c.keys[7] === l.maxDrawdownPct &&
    c.keys[8] === l.maxConsecutiveLosses &&
    c.keys[9] === l.coolDownMs
  )
    return c;
  const dec = (v: string | number) => Decimal.from(v);
  const num = (v: string | number) => Number(v);
  const next: GateLimits = {
    keys: [
      l.maxOrderNotional,
      l.maxPositionNotional,
      l.maxGrossExposure,
      l.priceBandPct,
      l.maxOpenOrders,
      l.dailyLossLimit,
      l.staleAfterMs,
      l.maxDrawdownPct,
      l.maxConsecutiveLosses,
      l.coolDownMs,
    ],
    orderNotional: readLimit(l, 'maxOrderNotional', dec),
    position: readLimit(l, 'maxPositionNotional', dec),
    gross: readLimit(l, 'maxGrossExposure', num),
    band: readLimit(l, 'priceBandPct', dec),
    openOrders: readLimit(l, 'maxOpenOrders', num),
    dailyLoss: readLimit(l, 'dailyLossLimit', num),
    staleMs: readLimit(l, 'staleAfterMs', num),
    breakerProblem: null,
  };
  for (const field of ['maxDrawdownPct', 'maxConsecutiveLosses', 'coolDownMs'] as const) {
    const v = readLimit(l, field, num);
    if (v.value === null && next.breakerProblem === null) next.breakerProblem = v;
  }
  // NaN keys never compare equal, so malformed limits are simply re-read on every call.
  cachedLimits = next;
  return next;
}
