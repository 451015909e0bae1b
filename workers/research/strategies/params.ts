import { ResearchInputError } from '../backtest/errors.js';
import type { ParamSpec, Params, Strategy } from '../backtest/types.js';

function describeRange(spec: ParamSpec): string {
  return `${spec.integer ? 'a whole number' : 'a number'} from ${spec.min} to ${spec.max}`;
}

/**
 * The strategy's params with defaults filled in, after checking each against its ParamSpec (known name,
 * finite, in range, whole when it must be) and the strategy's own cross-param checks. Throws a
 * ResearchInputError whose field is `params.<name>`.
 */
export function resolveParams(strategy: Strategy, given: Params): Params {
  const known = strategy.params.map((s) => s.name);
  for (const key of Object.keys(given))
    if (!known.includes(key))
      throw new ResearchInputError(
        `params.${key}`,
        known.length === 0
          ? `${strategy.id} takes no params, got "${key}"`
          : `${strategy.id} has no param "${key}": its params are ${known.join(', ')}`,
      );
  const params: Record<string, number> = {};
  for (const spec of strategy.params) {
    const v = given[spec.name] ?? spec.default;
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      (spec.integer && !Number.isInteger(v)) ||
      v < spec.min ||
      v > spec.max
    )
      throw new ResearchInputError(
        `params.${spec.name}`,
        `${strategy.id} ${spec.name} (${spec.label}) must be ${describeRange(spec)}, got ${String(v)}`,
      );
    params[spec.name] = v;
  }
  const problems = strategy.validate?.(params) ?? [];
  if (problems.length > 0) {
    const field = strategy.params.find((s) => problems[0]!.includes(s.name))?.name;
    throw new ResearchInputError(
      field ? `params.${field}` : 'params',
      `${strategy.id}: ${problems.join('; ')}`,
    );
  }
  return params;
}
