import { describe, expect, it } from 'vitest';
import type { DivergenceReport, DivergenceRow } from '$workers/api';
import { divergenceSummary, formatBps, formatDuration, slippageBars } from './divergence-view';

function report(
  aggregate: Partial<DivergenceReport['aggregate']>,
  rows: DivergenceRow[] = [],
): DivergenceReport {
  return {
    rows,
    aggregate: {
      orders: 1,
      compared: 1,
      slippageDiffBps: 0,
      fees: [],
      paperOnly: 0,
      liveOnly: 0,
      ...aggregate,
    },
  };
}

describe('divergenceSummary', () => {
  it('says nothing before any live order has a twin', () => {
    expect(divergenceSummary(report({ orders: 0 }))).toBeNull();
  });

  it('reads the aggregate as one sentence: slippage, then fees per quote currency', () => {
    expect(
      divergenceSummary(
        report({ slippageDiffBps: 3.2149, fees: [{ asset: 'USDT', live: '2', paper: '1.2', diff: '0.8' }] }),
      ),
    ).toBe('Live fills were 3.2 bps worse than paper on average; fees 0.8 USDT higher.');
    expect(
      divergenceSummary(
        report({ slippageDiffBps: -1.25, fees: [{ asset: 'USDT', live: '1', paper: '1.5', diff: '-0.5' }] }),
      ),
    ).toBe('Live fills were 1.3 bps better than paper on average; fees 0.5 USDT lower.');
  });

  it('calls a tiny difference a match and counts one-sided fills', () => {
    expect(divergenceSummary(report({ slippageDiffBps: 0.01, paperOnly: 2, liveOnly: 1 }))).toBe(
      'Live fills matched paper on average. Paper would have filled 2 orders that did not fill live; 1 order filled live that paper would not have filled.',
    );
    expect(divergenceSummary(report({ slippageDiffBps: null, compared: 0 }))).toBe(
      'No live order has filled next to a filled paper twin yet.',
    );
  });
});

describe('formatting', () => {
  it('formats bps with one decimal and a real minus', () => {
    expect(formatBps(3.25)).toBe('3.3');
    expect(formatBps(-0.04)).toBe('0.0');
    expect(formatBps(-12)).toBe('−12.0');
    expect(formatBps(null)).toBe('–');
  });

  it('formats durations from milliseconds to hours', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(150_000)).toBe('2.5 min');
    expect(formatDuration(5_400_000)).toBe('1.5 h');
    expect(formatDuration(null)).toBe('–');
  });
});

describe('slippageBars', () => {
  it('one bar per order both filled, oldest first', () => {
    const row = (orderId: string, diff: number | null) =>
      ({ orderId, side: 'buy', amount: '1', symbol: 'BTC/USDT', slippageDiffBps: diff }) as DivergenceRow;
    const bars = slippageBars(report({}, [row('new', 2), row('none', null), row('old', -1)]));
    expect(bars).toEqual([
      { orderId: 'old', label: 'Buy 1 BTC/USDT', bps: -1 },
      { orderId: 'new', label: 'Buy 1 BTC/USDT', bps: 2 },
    ]);
  });
});
