import type { HistogramSnapshot } from '$workers/api';

export interface Bar {
  lower: number;
  upper: number;
  count: number;
}

/**
 * The histogram's buckets from the first non-empty one to the last, empty ones between included (so the
 * x axis stays logarithmic and gaps show), merged pairwise until at most `maxBars` remain.
 */
export function histogramBars(h: HistogramSnapshot | null, maxBars = 32): Bar[] {
  if (!h || h.buckets.length === 0) return [];
  // Buckets are log-spaced; consecutive ones share a bound. Fill the holes between the non-empty ones.
  const ratio = ratioOf(h);
  let bars: Bar[] = [];
  for (const [lower, upper, count] of h.buckets) {
    const prev = bars.at(-1);
    if (prev && ratio !== null && lower > prev.upper * (1 + 1e-9)) {
      let l = prev.upper;
      while (l * ratio < lower * (1 - 1e-9) && bars.length < 1000) {
        bars.push({ lower: l, upper: l * ratio, count: 0 });
        l *= ratio;
      }
      bars.push({ lower: l, upper: lower, count: 0 });
    }
    bars.push({ lower, upper, count });
  }
  while (bars.length > maxBars) {
    const merged: Bar[] = [];
    for (let i = 0; i < bars.length; i += 2) {
      const a = bars[i]!;
      const b = bars[i + 1];
      merged.push(b ? { lower: a.lower, upper: b.upper, count: a.count + b.count } : a);
    }
    bars = merged;
  }
  return bars;
}

/** The constant ratio between a bucket's bounds, from any finite bucket above zero. */
function ratioOf(h: HistogramSnapshot): number | null {
  for (const [lower, upper] of h.buckets) if (lower > 0 && Number.isFinite(upper)) return upper / lower;
  return null;
}

/** A latency in words that fit a label: µs below 1 ms, s from 10 s. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 100) return Math.round(perSecond).toString();
  if (perSecond >= 10) return perSecond.toFixed(1);
  return perSecond.toFixed(2);
}
