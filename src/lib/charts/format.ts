/** Number formatting shared by the charts: fixed market decimals, compact volumes, signed percentages. */

const MAX_DECIMALS = 12;
const formatters = new Map<string, Intl.NumberFormat>();

/** A market's decimals as a safe Intl fraction-digit count (0..12). */
export function clampDecimals(d: number): number {
  if (!Number.isFinite(d)) return 2;
  return Math.min(MAX_DECIMALS, Math.max(0, Math.round(d)));
}

function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    formatters.set(key, f);
  }
  return f;
}

/** A price with exactly the market's decimals and digit grouping: 60123.4 -> "60,123.40". */
export function formatPrice(v: number, decimals: number, locale?: string): string {
  if (!Number.isFinite(v)) return '–';
  const d = clampDecimals(decimals);
  return numberFormat(locale, { minimumFractionDigits: d, maximumFractionDigits: d }).format(v);
}

/** An amount with the market's amount decimals; at or above `compactFrom` it switches to 1.23K / 4.5M form. */
export function formatAmount(v: number, decimals: number, locale?: string, compactFrom = 100_000): string {
  if (!Number.isFinite(v)) return '–';
  if (Math.abs(v) >= compactFrom) return formatCompact(v, locale);
  const d = clampDecimals(decimals);
  return numberFormat(locale, { minimumFractionDigits: d, maximumFractionDigits: d }).format(v);
}

/** Short form for axis labels and large volumes: 1234 -> "1.23K", 4500000 -> "4.5M", 0.5 -> "0.5". */
export function formatCompact(v: number, locale?: string): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1000) return numberFormat(locale, { notation: 'compact', maximumFractionDigits: 2 }).format(v);
  if (a >= 1 || a === 0) return numberFormat(locale, { maximumFractionDigits: 2 }).format(v);
  return numberFormat(locale, { maximumSignificantDigits: 3 }).format(v);
}

/** A signed percentage with two decimals: 1.234 -> "+1.23%", -0.5 -> "−0.50%". */
export function formatPercent(pct: number, locale?: string): string {
  if (!Number.isFinite(pct)) return '–';
  return (
    numberFormat(locale, {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
      signDisplay: 'exceptZero',
    }).format(pct) + '%'
  );
}

const incrCache = new Map<number, number[]>();

/**
 * Tick steps for a price axis: 1, 2 and 5 times powers of ten, never finer than one unit of the last
 * decimal, so every label printed with `decimals` digits is a distinct, exact value.
 */
export function priceIncrs(decimals: number): number[] {
  const d = clampDecimals(decimals);
  let incrs = incrCache.get(d);
  if (!incrs) {
    incrs = [];
    for (let exp = -d; exp <= 15; exp++) {
      for (const m of [1, 2, 5]) incrs.push(parseFloat(`${m}e${exp}`));
    }
    incrCache.set(d, incrs);
  }
  return incrs;
}

/** Fewest decimals (up to `max`) that print `incr` exactly: 25 -> 0, 0.5 -> 1, 0.05 -> 2. */
export function tickDecimals(incr: number, max: number): number {
  const m = clampDecimals(max);
  if (!(incr > 0) || !Number.isFinite(incr)) return m;
  for (let d = 0; d < m; d++) {
    const scaled = incr * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return m;
}

/** An unsigned percentage for small ratios such as a spread: 0.000166 -> "0.00017%", 1.5 -> "1.50%". */
export function formatSmallPercent(pct: number, locale?: string): string {
  if (!Number.isFinite(pct)) return '–';
  const a = Math.abs(pct);
  const f =
    a >= 1 || a === 0
      ? numberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
      : numberFormat(locale, { maximumSignificantDigits: 2 });
  return f.format(pct) + '%';
}
