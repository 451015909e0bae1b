/**
 * Input checks shared by the indicators. Errors name the indicator and the argument, say what was
 * received and what is allowed, so a caller can fix the call without reading the code.
 */

/** A window length or smoothing period: a whole number >= `min` (1 unless the formula needs more). */
export function assertPeriod(indicator: string, param: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(
      `${indicator}: ${param} must be a whole number of bars >= ${min}, got ${String(value)}; pass e.g. ${Math.max(min, 14)}`,
    );
}

/** Columns read together (high, low, close, volume) must describe the same bars. */
export function assertSameLength(indicator: string, columns: Record<string, ArrayLike<number>>): number {
  let n = -1;
  let first = '';
  for (const [name, column] of Object.entries(columns)) {
    if (n === -1) {
      n = column.length;
      first = name;
    } else if (column.length !== n)
      throw new RangeError(
        `${indicator}: ${name} has ${column.length} values but ${first} has ${n}; pass columns of the same bars`,
      );
  }
  return Math.max(n, 0);
}

/** Bad input to the indicator catalogue: an unknown name, a bad param, or data the indicator cannot use. */
export class IndicatorInputError extends Error {
  override name = 'IndicatorInputError';
  constructor(
    /** The indicator asked for, as given. */
    readonly indicator: string,
    message: string,
  ) {
    super(message);
  }
}
