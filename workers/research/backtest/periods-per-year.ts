import { selectKth } from '../stats/select.js';

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;
/** Spacing from which bars count as daily: 20 h tolerates daylight-saving shifts and early closes. */
const DAILY_SPACING_MS = 20 * 3_600_000;
/** Trading days a year for markets closed at weekends. */
const TRADING_DAYS = 252;

/** 0 = Sunday ... 6 = Saturday, in UTC; 1970-01-01 was a Thursday. */
function weekdayUtc(time: number): number {
  const d = (Math.floor(time / DAY_MS) + 4) % 7;
  return d < 0 ? d + 7 : d;
}

/** Gaps the spacing is measured on at most: past this, evenly spread gaps stand for all of them. */
export const SPACING_SAMPLE = 4097;

/**
 * Median spacing of increasing times. Real bars mostly share one spacing (the timeframe), and a value
 * held by more than half of the gaps is their median: find the candidate by majority vote and count it,
 * two passes without a copy. Only irregular series (no majority) pay for a copy and a selection. A series
 * with more than SPACING_SAMPLE gaps is measured on SPACING_SAMPLE of them spread evenly from the first
 * to the last: the same spacing for regular bars, and within the sample's error of the median for
 * irregular ones, without reading millions of times for one number.
 */
function medianSpacing(time: Float64Array): number {
  const gaps = time.length - 1;
  if (gaps > SPACING_SAMPLE) {
    const sample = new Float64Array(SPACING_SAMPLE);
    const stride = (gaps - 1) / (SPACING_SAMPLE - 1);
    for (let k = 0; k < SPACING_SAMPLE; k++) {
      const j = 1 + Math.round(k * stride);
      sample[k] = (time[j] as number) - (time[j - 1] as number);
    }
    return median(sample);
  }
  const n = time.length;
  let candidate = NaN;
  let votes = 0;
  for (let i = 1; i < n; i++) {
    const gap = (time[i] as number) - (time[i - 1] as number);
    if (votes === 0) {
      candidate = gap;
      votes = 1;
    } else if (gap === candidate) votes++;
    else votes--;
  }
  let count = 0;
  for (let i = 1; i < n; i++) if ((time[i] as number) - (time[i - 1] as number) === candidate) count++;
  if (2 * count > n - 1) return candidate;
  const all = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) all[i - 1] = (time[i] as number) - (time[i - 1] as number);
  return median(all);
}

/** Median of `x`, reordering it in place. */
function median(x: Float64Array): number {
  const k = (x.length - 1) >> 1;
  selectKth(x, k);
  const lower = x[k] as number;
  if (x.length % 2 === 1) return lower;
  let upper = Infinity;
  for (let j = k + 1; j < x.length; j++) if ((x[j] as number) < upper) upper = x[j] as number;
  return (lower + upper) / 2;
}

/**
 * Bars a year, from the median spacing of `time` (epoch ms): daily bars give 252 when no bar falls on a
 * weekend (a stock market) and 365 when some do (crypto trades every day); shorter bars give
 * round(365 days / spacing). The median, not the mean, so gaps (holidays, outages) do not skew it.
 * Fewer than two bars have no spacing: 252, the convention of the rest of Lyra's statistics.
 */
export function inferPeriodsPerYear(time: Float64Array): number {
  const n = time.length;
  if (n < 2) return TRADING_DAYS;
  const spacing = medianSpacing(time);
  if (!(spacing > 0)) return TRADING_DAYS;
  if (spacing < DAILY_SPACING_MS) return Math.round(YEAR_MS / spacing);
  for (let i = 0; i < n; i++) {
    const day = weekdayUtc(time[i] as number);
    if (day === 0 || day === 6) return 365;
  }
  return TRADING_DAYS;
}
