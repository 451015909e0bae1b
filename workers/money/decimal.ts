/**
 * Exact decimal arithmetic for money that is owned or sent: order prices and amounts, balances, fills,
 * fees. A value is an integer number of units at a decimal scale (`units / 10^scale`), held as a bigint,
 * so adding a thousand fills of 0.1 gives exactly 100. Values are stored as plain decimal strings
 * ("0.00012"), never as floats. Hot paths that only estimate (books, statistics) stay float64.
 *
 * Division and rounding always name their rounding mode: nothing is rounded silently.
 */

export type Rounding = 'floor' | 'ceil' | 'down' | 'up' | 'half-even';

/** More digits than any exchange uses; beyond this a value is refused as hostile input. */
const MAX_DIGITS = 60;
const plain = /^([+-])?(\d+)(?:\.(\d*))?$|^([+-])?\.(\d+)$/;
const exponent = /^([+-]?(?:\d+\.?\d*|\.\d+))[eE]([+-]?\d{1,3})$/;

const pow10Cache: bigint[] = [];
function pow10(n: number): bigint {
  let p = pow10Cache[n];
  if (p === undefined) {
    p = 10n ** BigInt(n);
    pow10Cache[n] = p;
  }
  return p;
}

/** Thrown for text that is not a finite decimal number. */
export class DecimalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecimalError';
  }
}

export class Decimal {
  private constructor(
    readonly units: bigint,
    readonly scale: number,
  ) {}

  static readonly ZERO = new Decimal(0n, 0);
  static readonly ONE = new Decimal(1n, 0);

  /** Parses a decimal string or a finite number (through its shortest round-trip text). */
  static from(value: string | number | bigint | Decimal): Decimal {
    if (value instanceof Decimal) return value;
    if (typeof value === 'bigint') return new Decimal(value, 0);
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new DecimalError(`${value} is not a finite number`);
      return Decimal.parse(String(value));
    }
    if (typeof value !== 'string') throw new DecimalError(`${typeof value} is not a number`);
    return Decimal.parse(value.trim());
  }

  /** Like `from`, but returns null instead of throwing. */
  static tryFrom(value: unknown): Decimal | null {
    if (typeof value !== 'string' && typeof value !== 'number' && !(value instanceof Decimal)) return null;
    try {
      return Decimal.from(value);
    } catch {
      return null;
    }
  }

  private static parse(text: string): Decimal {
    if (text.length === 0 || text.length > MAX_DIGITS + 8)
      throw new DecimalError(text.length === 0 ? 'empty number' : 'number has too many digits');
    const m = plain.exec(text);
    if (m) {
      const sign = m[1] ?? m[4];
      const int = m[2] ?? '0';
      const frac = (m[3] ?? m[5] ?? '').replace(/0+$/, '');
      if (int.length + frac.length > MAX_DIGITS) throw new DecimalError('number has too many digits');
      const units = BigInt(int + frac);
      return new Decimal(sign === '-' ? -units : units, frac.length);
    }
    const e = exponent.exec(text);
    if (e) {
      const base = Decimal.parse(e[1] as string);
      const exp = Number(e[2]);
      const scale = base.scale - exp;
      const digits = (base.units < 0n ? -base.units : base.units).toString().length - Math.min(scale, 0);
      if (Math.abs(scale) > MAX_DIGITS || digits > MAX_DIGITS)
        throw new DecimalError('number is out of range');
      return scale >= 0
        ? new Decimal(base.units, scale).normalized()
        : new Decimal(base.units * pow10(-scale), 0);
    }
    throw new DecimalError(`"${text.slice(0, 24)}" is not a number`);
  }

  private static aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
    if (a.scale === b.scale) return [a.units, b.units, a.scale];
    if (a.scale > b.scale) return [a.units, b.units * pow10(a.scale - b.scale), a.scale];
    return [a.units * pow10(b.scale - a.scale), b.units, b.scale];
  }

  add(other: Decimal | string | number): Decimal {
    const [x, y, s] = Decimal.aligned(this, Decimal.from(other));
    return new Decimal(x + y, s).normalized();
  }

  sub(other: Decimal | string | number): Decimal {
    const [x, y, s] = Decimal.aligned(this, Decimal.from(other));
    return new Decimal(x - y, s).normalized();
  }

  mul(other: Decimal | string | number): Decimal {
    const o = Decimal.from(other);
    return new Decimal(this.units * o.units, this.scale + o.scale).normalized();
  }

  /** this / other, rounded to `scale` decimals with the given mode. */
  div(other: Decimal | string | number, scale: number, rounding: Rounding): Decimal {
    const o = Decimal.from(other);
    if (o.units === 0n) throw new DecimalError('division by zero');
    // units/10^s1 / (u2/10^s2) = units * 10^(scale + s2 - s1) / u2 at `scale`.
    const shift = scale + o.scale - this.scale;
    let num = this.units;
    let den = o.units;
    if (shift >= 0) num *= pow10(shift);
    else den *= pow10(-shift);
    return new Decimal(divRound(num, den, rounding), scale).normalized();
  }

  /** Rounds to a number of decimals. */
  round(decimals: number, rounding: Rounding): Decimal {
    if (this.scale <= decimals) return this;
    return new Decimal(divRound(this.units, pow10(this.scale - decimals), rounding), decimals).normalized();
  }

  /** Rounds to a multiple of `step` (a tick or lot size). */
  roundToStep(step: Decimal | string | number, rounding: Rounding): Decimal {
    const s = Decimal.from(step);
    if (s.units <= 0n) throw new DecimalError('step must be positive');
    const [x, y, scale] = Decimal.aligned(this, s);
    return new Decimal(divRound(x, y, rounding) * y, scale).normalized();
  }

  isMultipleOf(step: Decimal | string | number): boolean {
    const s = Decimal.from(step);
    if (s.units === 0n) return false;
    const [x, y] = Decimal.aligned(this, s);
    return x % y === 0n;
  }

  neg(): Decimal {
    return new Decimal(-this.units, this.scale);
  }

  abs(): Decimal {
    return this.units < 0n ? this.neg() : this;
  }

  sign(): -1 | 0 | 1 {
    return this.units === 0n ? 0 : this.units < 0n ? -1 : 1;
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  isPositive(): boolean {
    return this.units > 0n;
  }

  isNegative(): boolean {
    return this.units < 0n;
  }

  cmp(other: Decimal | string | number): -1 | 0 | 1 {
    const [x, y] = Decimal.aligned(this, Decimal.from(other));
    return x === y ? 0 : x < y ? -1 : 1;
  }

  eq(other: Decimal | string | number): boolean {
    return this.cmp(other) === 0;
  }
  lt(other: Decimal | string | number): boolean {
    return this.cmp(other) < 0;
  }
  lte(other: Decimal | string | number): boolean {
    return this.cmp(other) <= 0;
  }
  gt(other: Decimal | string | number): boolean {
    return this.cmp(other) > 0;
  }
  gte(other: Decimal | string | number): boolean {
    return this.cmp(other) >= 0;
  }

  static min(a: Decimal, b: Decimal): Decimal {
    return a.lte(b) ? a : b;
  }

  static max(a: Decimal, b: Decimal): Decimal {
    return a.gte(b) ? a : b;
  }

  static sum(values: Iterable<Decimal>): Decimal {
    let total = Decimal.ZERO;
    for (const v of values) total = total.add(v);
    return total;
  }

  /** Nearest float, for estimates and display only: never feed it back into money. */
  toNumber(): number {
    return Number(this.toString());
  }

  /** Plain decimal text without exponent or trailing zeros: the form stored at rest. */
  toString(): string {
    const negative = this.units < 0n;
    const digits = (negative ? -this.units : this.units).toString();
    if (this.scale === 0) return (negative ? '-' : '') + digits;
    const padded = digits.padStart(this.scale + 1, '0');
    const int = padded.slice(0, padded.length - this.scale);
    const frac = padded.slice(padded.length - this.scale);
    return `${negative ? '-' : ''}${int}.${frac}`;
  }

  /** Text with exactly `decimals` decimals (rounded half-even), for display next to a market's precision. */
  toFixed(decimals: number): string {
    const r = this.round(decimals, 'half-even');
    const [units] = Decimal.aligned(r, new Decimal(0n, decimals));
    const s = new Decimal(units, decimals);
    const negative = s.units < 0n;
    const digits = (negative ? -s.units : s.units).toString().padStart(decimals + 1, '0');
    const int = digits.slice(0, digits.length - decimals);
    const frac = digits.slice(digits.length - decimals);
    return `${negative ? '-' : ''}${int}${decimals > 0 ? `.${frac}` : ''}`;
  }

  toJSON(): string {
    return this.toString();
  }

  private normalized(): Decimal {
    if (this.scale === 0) return this;
    if (this.units === 0n) return Decimal.ZERO;
    let units = this.units;
    let scale = this.scale;
    while (scale > 0 && units % 10n === 0n) {
      units /= 10n;
      scale--;
    }
    return scale === this.scale ? this : new Decimal(units, scale);
  }
}

function divRound(num: bigint, den: bigint, rounding: Rounding): bigint {
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const q = num / den; // truncates toward zero
  const r = num % den;
  if (r === 0n) return q;
  const negative = num < 0n;
  switch (rounding) {
    case 'down':
      return q;
    case 'up':
      return negative ? q - 1n : q + 1n;
    case 'floor':
      return negative ? q - 1n : q;
    case 'ceil':
      return negative ? q : q + 1n;
    case 'half-even': {
      const twice = (r < 0n ? -r : r) * 2n;
      if (twice < den) return q;
      if (twice > den || q % 2n !== 0n) return negative ? q - 1n : q + 1n;
      return q;
    }
  }
}

/** Shorthand for Decimal.from. */
export function dec(value: string | number | bigint | Decimal): Decimal {
  return Decimal.from(value);
}
