/**
 * The Settings form for the risk limits: what each limit means, in which unit it is typed, and how the
 * typed text goes to the engine (which validates it: this module does not). Durations are typed in
 * seconds and sent in milliseconds; money and percentages stay decimal text.
 */
import type { EngineError, RiskLimits } from '$workers/api';
import { normalizeDecimal } from './decimal-text';
import { fieldMessages } from './errors';

export type LimitKey = keyof RiskLimits;

export interface LimitField {
  key: LimitKey;
  label: string;
  /** 'quote' is shown as the account's quote currency. */
  unit: 'quote' | '%' | 'orders' | 'trades' | 's';
  help: string;
  kind: 'decimal' | 'integer' | 'seconds';
}

export const limitFields: readonly LimitField[] = [
  {
    key: 'maxOrderNotional',
    label: 'Max order value',
    unit: 'quote',
    kind: 'decimal',
    help: 'The largest value of a single order (amount × price). Larger orders are refused.',
  },
  {
    key: 'maxPositionNotional',
    label: 'Max position value',
    unit: 'quote',
    kind: 'decimal',
    help: 'The largest position in one market, valued at the mark price.',
  },
  {
    key: 'maxGrossExposure',
    label: 'Max total exposure',
    unit: 'quote',
    kind: 'decimal',
    help: 'The sum of all positions, each valued at its mark price, long or short.',
  },
  {
    key: 'priceBandPct',
    label: 'Price band',
    unit: '%',
    kind: 'decimal',
    help: 'Limit and trigger prices must lie within this percent of the mark: catches a misplaced digit.',
  },
  {
    key: 'maxOpenOrders',
    label: 'Max open orders',
    unit: 'orders',
    kind: 'integer',
    help: 'New orders are refused while this many are open.',
  },
  {
    key: 'dailyLossLimit',
    label: 'Daily loss limit',
    unit: 'quote',
    kind: 'decimal',
    help: 'Realized plus unrealized loss since 00:00 UTC. Reaching it halts trading until you re-arm.',
  },
  {
    key: 'maxDrawdownPct',
    label: 'Max drawdown',
    unit: '%',
    kind: 'decimal',
    help: 'Fall of equity from its peak. Reaching it halts trading until you re-arm.',
  },
  {
    key: 'maxConsecutiveLosses',
    label: 'Max losing trades in a row',
    unit: 'trades',
    kind: 'integer',
    help: 'This many losing closed trades in a row halt trading until you re-arm.',
  },
  {
    key: 'staleAfterMs',
    label: 'Stale data after',
    unit: 's',
    kind: 'seconds',
    help: 'Orders are refused when the last market data is older than this.',
  },
  {
    key: 'coolDownMs',
    label: 'Re-arm cool-down',
    unit: 's',
    kind: 'seconds',
    help: 'After a halt, trading can be re-armed only once this time has passed.',
  },
];

export type LimitsForm = Record<LimitKey, string>;

/** Milliseconds as seconds text: 60000 -> "60", 1500 -> "1.5". */
export function msToSecondsText(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const whole = Math.trunc(ms / 1000);
  const rest = Math.abs(ms % 1000);
  return rest === 0
    ? String(whole)
    : `${ms < 0 && whole === 0 ? '-' : ''}${whole}.${String(rest).padStart(3, '0').replace(/0+$/, '')}`;
}

/** Seconds text as whole milliseconds ("1.5" -> 1500); text that is not a number is passed on for the engine to refuse. */
export function secondsTextToMs(text: string): number | string {
  const s = normalizeDecimal(text);
  const m = /^(\d+)(?:\.(\d{0,3}))?$/.exec(s);
  if (!m) return s;
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
}

export function limitsToForm(limits: RiskLimits): LimitsForm {
  const out = {} as LimitsForm;
  for (const f of limitFields) {
    const v = limits[f.key];
    out[f.key] = f.kind === 'seconds' ? msToSecondsText(Number(v)) : String(v);
  }
  return out;
}

/** The values sent to setLimits: decimal text for money and percentages, numbers for counts and durations. */
export function formToLimits(form: LimitsForm): Record<LimitKey, string | number> {
  const out = {} as Record<LimitKey, string | number>;
  for (const f of limitFields) {
    const text = form[f.key] ?? '';
    if (f.kind === 'seconds') out[f.key] = secondsTextToMs(text);
    else if (f.kind === 'integer') {
      const s = text.trim();
      out[f.key] = /^\d+$/.test(s) ? Number(s) : s;
    } else out[f.key] = normalizeDecimal(text);
  }
  return out;
}

/** Per-field messages from a refused setLimits; what names no field is in `form`. */
export function limitErrors(error: EngineError | null): {
  fields: Partial<Record<LimitKey, string>>;
  form: string | null;
} {
  const r = fieldMessages(
    error,
    limitFields.map((f) => f.key),
  );
  return { fields: r.fields, form: r.rest };
}
