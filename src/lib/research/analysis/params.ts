/** Param sets as text for tables, cell labels and the "best params" line. */
import type { ParamSpec, Params } from '$workers/api';

/** A param's value as typed in the form: integers plain, others without float noise (0.30000000000000004). */
export function formatParamValue(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(10)));
}

/** The spec's label for a param, or its name when the strategy does not list it. */
export function paramLabel(name: string, specs: readonly ParamSpec[]): string {
  return specs.find((s) => s.name === name)?.label ?? name;
}

/**
 * "Fast period 10, Slow period 50": in the order of `names` when given (the sweep's axes), else the
 * strategy's order, with params it does not list last.
 */
export function formatParams(params: Params, specs: readonly ParamSpec[], names?: readonly string[]): string {
  const order = names ?? [
    ...specs.map((s) => s.name).filter((n) => n in params),
    ...Object.keys(params).filter((n) => !specs.some((s) => s.name === n)),
  ];
  return order
    .filter((n) => n in params)
    .map((n) => `${paramLabel(n, specs)} ${formatParamValue(params[n] as number)}`)
    .join(', ');
}
