/**
 * The backtest form's costs, conventions, params and date range: what the person typed, turned into a
 * BacktestConfig and params, or a message per field saying what to type instead. Fee and slippage are
 * shown as percent and basis points; the engine gets fractions.
 */
import type { BacktestConfig, Execution, ParamSpec, Params } from '$workers/api';
import { checkParam } from './rule-draft';
import { numberText, parseNumberText } from './number-text';

export interface CostsForm {
  capital: string;
  /** Percent of traded notional: "0.1" is 0.1 %. */
  feePercent: string;
  slippage: 'none' | 'bps' | 'volume';
  bps: string;
  /** Square-root impact coefficient of the volume model. */
  impact: string;
  fallbackBps: string;
  execution: Execution;
  periodsPerYear: 'auto' | 'fixed';
  periodsPerYearValue: string;
}

export type FieldErrors = Partial<Record<string, string>>;

export function defaultCostsForm(): CostsForm {
  return {
    capital: '10000',
    feePercent: '0.1',
    slippage: 'none',
    bps: '5',
    impact: '0.1',
    fallbackBps: '10',
    execution: 'close',
    periodsPerYear: 'auto',
    periodsPerYearValue: '252',
  };
}

export const CLOSE_ONLY_NEXT_OPEN =
  'This dataset has closes only, so there is no next open to fill at: orders fill at the close.';

/** The config the form describes, or one message per field that cannot be used. */
export function configFromForm(
  f: CostsForm,
  closeOnly: boolean,
): { ok: true; config: BacktestConfig } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const capital = parseNumberText(f.capital);
  if (capital === null || capital <= 0)
    errors.capital = 'Starting capital: type an amount above 0, e.g. 10000.';
  const fee = parseNumberText(f.feePercent);
  if (fee === null || fee < 0 || fee >= 10)
    errors.fee = 'Fee: type a percentage from 0 to below 10, e.g. 0.1 for 0.1 %.';
  let slippage: BacktestConfig['slippage'] = { model: 'none' };
  if (f.slippage === 'bps') {
    const bps = parseNumberText(f.bps);
    if (bps === null || bps < 0 || bps > 1000)
      errors.bps = 'Slippage: type basis points from 0 to 1000 (1 bp is 0.01 %).';
    else slippage = { model: 'bps', bps };
  } else if (f.slippage === 'volume') {
    const impact = parseNumberText(f.impact);
    const fallbackBps = parseNumberText(f.fallbackBps);
    if (impact === null || impact < 0 || impact > 10)
      errors.impact = 'Impact: type a coefficient from 0 to 10, e.g. 0.1.';
    if (fallbackBps === null || fallbackBps < 0 || fallbackBps > 1000)
      errors.fallbackBps = 'Slippage without volume: type basis points from 0 to 1000.';
    if (impact !== null && fallbackBps !== null && !errors.impact && !errors.fallbackBps)
      slippage = { model: 'volume', impact, fallbackBps };
  }
  if (f.execution === 'next-open' && closeOnly) errors.execution = CLOSE_ONLY_NEXT_OPEN;
  let periodsPerYear: number | null = null;
  if (f.periodsPerYear === 'fixed') {
    const v = parseNumberText(f.periodsPerYearValue);
    if (v === null || v <= 0 || v > 1e7)
      errors.periodsPerYear = 'Periods per year: type a number above 0, e.g. 252 for trading days.';
    else periodsPerYear = v;
  }
  if (Object.keys(errors).length > 0 || capital === null || fee === null) return { ok: false, errors };
  return {
    ok: true,
    config: { capital, fee: fee / 100, slippage, execution: f.execution, periodsPerYear },
  };
}

/** The params typed for a strategy's ParamSpecs, checked against their ranges. */
export function paramsFromForm(
  values: Readonly<Record<string, string>>,
  specs: readonly ParamSpec[],
): { ok: true; params: Params } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const params: Record<string, number> = {};
  for (const spec of specs) {
    const r = checkParam(spec, values[spec.name] ?? '');
    if ('error' in r) errors[spec.name] = r.error;
    else params[spec.name] = r.value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, params };
}

export function defaultParamValues(specs: readonly ParamSpec[]): Record<string, string> {
  return Object.fromEntries(specs.map((s) => [s.name, numberText(s.default)]));
}

const DAY = 86_400_000;

/** A date input's "YYYY-MM-DD" as the UTC midnight it names, or null when empty or not a date. */
export function dateInputToMs(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2021-02-31 over into March: a day that does not exist is not a date.
  return new Date(ms).toISOString().slice(0, 10) === value.trim() ? ms : null;
}

/** UTC date of a time, for a date input. */
export function msToDateInput(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : '';
}

/**
 * The run's optional range: from the start of the first day to the end of the last (both inclusive, as
 * the engine takes them), checked against each other and the dataset.
 */
export function rangeFromForm(
  from: string,
  to: string,
  dataset: { first: number; last: number } | null,
): { ok: true; from: number | null; to: number | null } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const a = from.trim() === '' ? null : dateInputToMs(from);
  const b = to.trim() === '' ? null : dateInputToMs(to);
  if (from.trim() !== '' && a === null)
    errors.from = 'From: pick a date, or leave it empty for the first bar.';
  if (to.trim() !== '' && b === null) errors.to = 'To: pick a date, or leave it empty for the last bar.';
  const end = b === null ? null : b + DAY - 1;
  if (a !== null && end !== null && a > end) errors.to = 'To must be on or after From.';
  if (dataset && a !== null && a > dataset.last)
    errors.from = `From is after the last bar (${msToDateInput(dataset.last)}).`;
  if (dataset && end !== null && end < dataset.first)
    errors.to = `To is before the first bar (${msToDateInput(dataset.first)}).`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, from: a, to: end };
}

/**
 * Which form field an engine 'invalid' error names, so its message can sit there: the engine may say
 * `config.fee`, `params.fast` or `fee`; slippage fields nest under `slippage`.
 */
export function fieldOfError(field: unknown): string | null {
  if (typeof field !== 'string' || field.trim() === '') return null;
  const parts = field
    .split('.')
    .filter((p) => !['config', 'params', 'strategy', 'request', 'slippage'].includes(p));
  return parts[parts.length - 1] ?? null;
}
