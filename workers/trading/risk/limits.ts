import { Decimal } from '../../money/decimal.js';

/**
 * The user's risk limits, edited in Settings. Money and percentages are decimal strings (exact, as
 * stored); counts and durations are integers. Every order passes the risk gate (risk-gate.ts) against
 * these, and the circuit breakers (breakers.ts) halt the account when the loss limits are reached.
 */
export interface RiskLimits {
  /** Largest value of one order, in the quote currency. */
  maxOrderNotional: string;
  /** Largest position in one symbol, valued at the mark, in the quote currency. */
  maxPositionNotional: string;
  /** Largest sum over symbols of |position| × mark, in the quote currency. */
  maxGrossExposure: string;
  /** Limit and trigger prices must lie within this percent of the mark. */
  priceBandPct: string;
  maxOpenOrders: number;
  /** Loss since the start of the UTC day (realized + unrealized) that halts new risk, in the quote currency. */
  dailyLossLimit: string;
  /** Fall from the equity peak, in percent, that halts the account. */
  maxDrawdownPct: string;
  /** Losing closed trades in a row that halt the account. */
  maxConsecutiveLosses: number;
  /** Market data older than this (ms) refuses orders. */
  staleAfterMs: number;
  /** Time (ms) after a halt before the account may be re-armed. */
  coolDownMs: number;
}

export const defaultRiskLimits: Readonly<RiskLimits> = Object.freeze({
  maxOrderNotional: '10000',
  maxPositionNotional: '25000',
  maxGrossExposure: '50000',
  priceBandPct: '5',
  maxOpenOrders: 50,
  dailyLossLimit: '1000',
  maxDrawdownPct: '20',
  maxConsecutiveLosses: 5,
  staleAfterMs: 10_000,
  coolDownMs: 60_000,
});

/** `field` is null when the problem is not one setting: the input is not an object, or a field is unknown. */
export interface RiskLimitsError {
  field: keyof RiskLimits | null;
  message: string;
}

export type ParsedRiskLimits = { ok: true; limits: RiskLimits } | { ok: false; errors: RiskLimitsError[] };

interface FieldSpec {
  label: string;
  kind: 'decimal' | 'integer';
  /** Smallest allowed value; `minExclusive` makes it "above" rather than "at least". */
  min: number;
  minExclusive: boolean;
  max: number;
  /** Unit shown after the numbers in messages ("" for plain counts). */
  unit: string;
  /** Why the bounds are what they are, appended to out-of-range messages. */
  hint: string;
}

/** Beyond any real account: larger values are typos or hostile input. */
const ABSURD = 1e15;

const specs: Record<keyof RiskLimits, FieldSpec> = {
  maxOrderNotional: spec(
    'Max order value',
    'decimal',
    0,
    true,
    ABSURD,
    '',
    'to stop trading use the kill switch',
  ),
  maxPositionNotional: spec(
    'Max position value',
    'decimal',
    0,
    true,
    ABSURD,
    '',
    'to stop trading use the kill switch',
  ),
  maxGrossExposure: spec(
    'Max total exposure',
    'decimal',
    0,
    true,
    ABSURD,
    '',
    'to stop trading use the kill switch',
  ),
  priceBandPct: spec('Price band', 'decimal', 0, true, 1000, '%', 'it is a percent of the mark price'),
  maxOpenOrders: spec('Max open orders', 'integer', 1, false, 100_000, '', 'it counts orders'),
  dailyLossLimit: spec(
    'Daily loss limit',
    'decimal',
    0,
    true,
    ABSURD,
    '',
    'to stop trading use the kill switch',
  ),
  maxDrawdownPct: spec('Max drawdown', 'decimal', 0, true, 100, '%', 'it is a percent of the equity peak'),
  maxConsecutiveLosses: spec('Max losing trades in a row', 'integer', 1, false, 1000, '', 'it counts trades'),
  staleAfterMs: spec(
    'Stale data after',
    'integer',
    100,
    false,
    3_600_000,
    ' ms',
    'older data is not safe to trade on',
  ),
  coolDownMs: spec('Re-arm cool-down', 'integer', 0, false, 604_800_000, ' ms', 'a week at most'),
};

function spec(
  label: string,
  kind: FieldSpec['kind'],
  min: number,
  minExclusive: boolean,
  max: number,
  unit: string,
  hint: string,
): FieldSpec {
  return { label, kind, min, minExclusive, max, unit, hint };
}

/** The Settings labels of the limits, as used in messages. */
export const riskLimitLabels: Readonly<Record<keyof RiskLimits, string>> = Object.freeze(
  Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.label])) as Record<keyof RiskLimits, string>,
);

const fieldNames = Object.keys(specs) as Array<keyof RiskLimits>;

function isField(key: string): key is keyof RiskLimits {
  return Object.prototype.hasOwnProperty.call(specs, key);
}

function describe(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.trim() === '' ? 'an empty text' : `"${value.slice(0, 24)}"`;
  return `a ${typeof value}`;
}

function groupDigits(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 20 });
}

/**
 * Validates one limit. Decimal fields take a decimal string or a finite number and come back as a plain
 * decimal string; integer fields take an integer number or a string of digits.
 */
export function parseRiskLimitField<K extends keyof RiskLimits>(
  field: K,
  value: unknown,
): { ok: true; value: RiskLimits[K] } | { ok: false; message: string } {
  const s = specs[field];
  const example = String(defaultRiskLimits[field]);
  const range = `${s.minExclusive ? 'above' : 'at least'} ${groupDigits(s.min)}${s.unit} and at most ${groupDigits(s.max)}${s.unit}`;
  const wrong = (what: string) =>
    ({ ok: false, message: `${s.label} ${what}; enter a number ${range}, like ${example}.` }) as const;
  if (typeof value !== 'string' && typeof value !== 'number')
    return wrong(`must be a number, but it is ${describe(value)}`);
  if (typeof value === 'number' && !Number.isFinite(value))
    return wrong(`must be a finite number, but it is ${describe(value)}`);
  if (typeof value === 'string' && value.trim() === '') return wrong('is empty');
  let num: number;
  let text: string;
  if (s.kind === 'decimal') {
    const d = Decimal.tryFrom(value);
    if (d === null) return wrong(`must be a number, but it is ${describe(value)}`);
    text = d.toString();
    num = d.toNumber();
  } else {
    if (typeof value === 'string' && !/^\s*-?\d+\s*$/.test(value))
      return wrong(`must be a whole number, but it is ${describe(value)}`);
    num = Number(value);
    if (!Number.isInteger(num)) return wrong(`must be a whole number, but it is ${describe(value)}`);
    text = String(num);
  }
  if (num < 0) return wrong(`cannot be negative (it is ${text})`);
  if (s.minExclusive ? num <= s.min : num < s.min)
    return {
      ok: false,
      message: `${s.label} must be ${s.minExclusive ? 'above' : 'at least'} ${groupDigits(s.min)}${s.unit} (it is ${text}); ${s.hint}.`,
    };
  if (num > s.max)
    return {
      ok: false,
      message: `${s.label} must be at most ${groupDigits(s.max)}${s.unit} (it is ${text}); ${s.hint}.`,
    };
  return { ok: true, value: (s.kind === 'decimal' ? text : num) as RiskLimits[K] };
}

/**
 * Validates limits from Settings or storage. Absent fields take their safe default, so limits saved by
 * an older version still load; fields that are present must be valid, and unknown fields (typos) are
 * refused rather than ignored. Every problem is reported, one message per field.
 */
export function parseRiskLimits(input: unknown): ParsedRiskLimits {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return {
      ok: false,
      errors: [
        {
          field: null,
          message: `Risk limits must be a set of named values, but they are ${describe(input)}.`,
        },
      ],
    };
  const errors: RiskLimitsError[] = [];
  const source = input as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    if (!isField(key))
      errors.push({
        field: null,
        message: `"${key.slice(0, 40)}" is not a risk limit; remove it. Known limits: ${fieldNames.join(', ')}.`,
      });
  }
  const limits: Record<string, string | number> = { ...defaultRiskLimits };
  for (const field of fieldNames) {
    if (!Object.prototype.hasOwnProperty.call(source, field)) continue;
    const r = parseRiskLimitField(field, source[field]);
    if (r.ok) limits[field] = r.value;
    else errors.push({ field, message: r.message });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, limits: limits as unknown as RiskLimits };
}
