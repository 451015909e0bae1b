import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.js';
import { percentTexts } from './percent-text.js';
import { suggestTargets } from './suggest.js';

const sumOf = (texts: string[]) => Decimal.sum(texts.map((t) => Decimal.from(t)));

/** Asset-major returns: asset a's period t at a * periods + t. */
function matrix(series: number[][]): { m: Float64Array; periods: number } {
  const periods = series[0]!.length;
  const m = new Float64Array(series.length * periods);
  series.forEach((s, a) => m.set(s, a * periods));
  return { m, periods };
}

/** +x, -x, +x, ... : mean 0, sample sd a little over x. */
const alternating = (x: number, n: number, phase = 0) =>
  Array.from({ length: n }, (_, t) => ((t + phase) % 2 === 0 ? x : -x));

describe('percentTexts', () => {
  it('puts the rounding remainder on the largest weight', () => {
    expect(percentTexts([1 / 3, 1 / 3, 1 / 3])).toEqual({ ok: true, texts: ['33.34', '33.33', '33.33'] });
    expect(percentTexts([0.1, 0.6, 0.3])).toEqual({ ok: true, texts: ['10.00', '60.00', '30.00'] });
    expect(percentTexts([1 / 6, 1 / 6, 2 / 3])).toEqual({ ok: true, texts: ['16.67', '16.67', '66.66'] });
  });

  it('reads a tiny negative from an optimiser as zero and refuses real nonsense', () => {
    expect(percentTexts([1, -1e-17])).toEqual({ ok: true, texts: ['100.00', '0.00'] });
    expect(percentTexts([0.5, 0.6]).ok).toBe(false);
    expect(percentTexts([1.2, -0.2]).ok).toBe(false);
    expect(percentTexts([Number.NaN, 1]).ok).toBe(false);
    expect(percentTexts([]).ok).toBe(false);
  });

  it('property: 2-decimal texts that sum to exactly 100, each within a cent-and-remainder of its weight', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 100 }),
        (raw) => {
          fc.pre(raw.some((x) => x > 0));
          const total = raw.reduce((a, b) => a + b, 0);
          const w = raw.map((x) => x / total);
          const r = percentTexts(w);
          if (!r.ok) return false;
          if (!sumOf(r.texts).eq(100)) return false;
          if (!r.texts.every((t) => /^\d+\.\d\d$/.test(t))) return false;
          // Every weight is off by at most half a cent, except the largest, which absorbs the remainder.
          const largest = w.indexOf(Math.max(...w));
          return r.texts.every((t, i) => {
            const off = Math.abs(Number(t) - w[i]! * 100);
            return off <= (i === largest ? 0.005 * raw.length : 0.005) + 1e-9;
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('suggestTargets', () => {
  it('equal weight needs no history', () => {
    expect(suggestTargets('equal', ['BTC', 'ETH', 'SOL'], null)).toEqual({
      ok: true,
      targets: [
        { asset: 'BTC', weight: '33.34' },
        { asset: 'ETH', weight: '33.33' },
        { asset: 'SOL', weight: '33.33' },
      ],
    });
  });

  it('inverse volatility gives the calmer asset the larger share', () => {
    // ETH moves twice as much as BTC: weights 2/3 and 1/3.
    const r = suggestTargets(
      'inverse-vol',
      ['BTC', 'ETH'],
      matrix([alternating(0.01, 30), alternating(0.02, 30)]),
    );
    expect(r).toEqual({
      ok: true,
      targets: [
        { asset: 'BTC', weight: '66.67' },
        { asset: 'ETH', weight: '33.33' },
      ],
    });
  });

  it('minimum variance of uncorrelated assets weighs by inverse variance', () => {
    // Orthogonal return patterns with sds 1 : 2: weights 4/5 and 1/5.
    const a = Array.from({ length: 40 }, (_, t) => [0.01, 0.01, -0.01, -0.01][t % 4]!);
    const b = Array.from({ length: 40 }, (_, t) => [0.02, -0.02, 0.02, -0.02][t % 4]!);
    const r = suggestTargets('min-variance', ['A', 'B'], matrix([a, b]));
    expect(r).toEqual({
      ok: true,
      targets: [
        { asset: 'A', weight: '80.00' },
        { asset: 'B', weight: '20.00' },
      ],
    });
  });

  it('minimum variance stays long-only: a dominated asset gets 0 %', () => {
    // B = 3 x A plus noise: shorting B would lower the variance, so long-only holds none of it.
    const a = alternating(0.01, 40);
    const b = a.map((x, t) => 3 * x + (t % 4 < 2 ? 0.001 : -0.001));
    const r = suggestTargets('min-variance', ['A', 'B'], matrix([a, b]));
    expect(r).toEqual({
      ok: true,
      targets: [
        { asset: 'A', weight: '100.00' },
        { asset: 'B', weight: '0.00' },
      ],
    });
  });

  it('says how much history inverse volatility and minimum variance need', () => {
    const short = matrix([alternating(0.01, 12), alternating(0.02, 12)]);
    expect(suggestTargets('inverse-vol', ['BTC', 'ETH'], short)).toEqual({
      ok: false,
      error: 'Inverse volatility needs at least 20 returns per asset; there are 12.',
    });
    expect(suggestTargets('min-variance', ['BTC', 'ETH'], null)).toEqual({
      ok: false,
      error: 'Minimum variance needs at least 20 returns per asset; there are 0.',
    });
  });

  it('refuses a flat asset for inverse volatility, naming it', () => {
    const r = suggestTargets(
      'inverse-vol',
      ['BTC', 'USDC'],
      matrix([alternating(0.01, 25), new Array(25).fill(0)]),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('USDC did not move');
  });

  it.each([
    ['equal', [], null, 'at least one asset'],
    ['equal', ['BTC', 'btc'], null, 'listed twice'],
    ['median', ['BTC'], null, 'Choose equal weight'],
    ['inverse-vol', ['A', 'B'], { m: new Float64Array(30), periods: 20 }, 'do not match'],
    ['min-variance', ['A'], { m: new Float64Array(20).fill(Number.NaN), periods: 20 }, 'gaps'],
  ] as const)('refuses %s of %j', (method, assets, returns, words) => {
    const r = suggestTargets(method as 'equal', [...assets], returns);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(words);
  });
});
