import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../../../../workers/monitor/histogram';
import { formatMs, histogramBars } from './histogram-bars';

describe('histogramBars', () => {
  it('keeps the log axis: empty buckets between samples stay, as zero bars', () => {
    const h = new LogHistogram();
    h.record(1);
    h.record(16);
    const bars = histogramBars(h.snapshot(), 100);
    expect(bars[0]!.count).toBe(1);
    expect(bars.at(-1)!.count).toBe(1);
    // 1 ms to 16 ms is four doublings: four buckets each, so 16 or 17 bars with the ends.
    expect(bars.length).toBeGreaterThanOrEqual(16);
    expect(bars.length).toBeLessThanOrEqual(18);
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.lower).toBeCloseTo(bars[i - 1]!.upper, 6);
  });

  it('merges bars to fit, never losing a sample', () => {
    const h = new LogHistogram();
    for (let v = 0.1; v < 50_000; v *= 1.3) h.record(v);
    const bars = histogramBars(h.snapshot(), 20);
    expect(bars.length).toBeLessThanOrEqual(20);
    expect(bars.reduce((a, b) => a + b.count, 0)).toBe(h.count);
  });

  it('draws nothing for an empty histogram', () => {
    expect(histogramBars(new LogHistogram().snapshot())).toEqual([]);
    expect(histogramBars(null)).toEqual([]);
  });

  it('formats latencies in a unit that reads at a glance', () => {
    expect(formatMs(0.25)).toBe('250 µs');
    expect(formatMs(3.14)).toBe('3.1 ms');
    expect(formatMs(420)).toBe('420 ms');
    expect(formatMs(12_500)).toBe('12.5 s');
    expect(formatMs(null)).toBe('–');
  });
});
