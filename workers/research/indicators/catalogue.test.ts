import { describe, expect, it } from 'vitest';
import type { Bars } from '../backtest/types.js';
import { atr } from './atr.js';
import { computeIndicator, findIndicator, indicatorCatalogue, indicatorParamProblems } from './catalogue.js';
import { macd } from './macd.js';
import { sma } from './moving-averages.js';
import { IndicatorInputError } from './validate.js';

function makeBars(n: number, closeOnly = false): Bars {
  const close = Float64Array.from({ length: n }, (_, i) => 100 + 10 * Math.sin(i / 5) + i * 0.2);
  const high = closeOnly ? close.slice() : close.map((c, i) => c + 1 + (i % 3));
  const low = closeOnly ? close.slice() : close.map((c, i) => c - 1 - (i % 2));
  return {
    time: Float64Array.from({ length: n }, (_, i) => i * 60_000),
    open: close.slice(),
    high,
    low,
    close,
    volume: closeOnly ? new Float64Array(n) : Float64Array.from({ length: n }, (_, i) => 100 + (i % 7) * 10),
    closeOnly,
  };
}

const bars = makeBars(120);

describe('indicatorCatalogue', () => {
  it('lists the twelve indicators with sane, self-consistent param specs', () => {
    expect(indicatorCatalogue.map((i) => i.name)).toEqual([
      'sma',
      'ema',
      'wma',
      'rsi',
      'macd',
      'bbands',
      'rollsd',
      'atr',
      'stoch',
      'vwap',
      'obv',
      'donchian',
    ]);
    for (const info of indicatorCatalogue) {
      expect(info.outputs.length).toBeGreaterThan(0);
      for (const p of info.params) {
        expect(p.min).toBeLessThanOrEqual(p.default);
        expect(p.default).toBeLessThanOrEqual(p.max);
        expect(p.step).toBeGreaterThan(0);
        if (p.integer) expect(Number.isInteger(p.default)).toBe(true);
      }
    }
    // Plain data: it crosses the worker boundary by structured clone.
    expect(structuredClone(indicatorCatalogue)).toEqual(indicatorCatalogue);
  });

  it('names the outputs the rule builder refers to', () => {
    expect(findIndicator('macd')?.outputs).toEqual(['macd', 'signal', 'hist']);
    expect(findIndicator('bbands')?.outputs).toEqual(['lower', 'middle', 'upper', 'pctB']);
    expect(findIndicator('stoch')?.outputs).toEqual(['k', 'd']);
    expect(findIndicator('donchian')?.outputs).toEqual(['lower', 'middle', 'upper']);
    expect(findIndicator('sma')?.outputs).toEqual(['value']);
    expect(findIndicator('nope')).toBeUndefined();
  });
});

describe('computeIndicator', () => {
  it.each(indicatorCatalogue.map((i) => [i.name]))(
    'computes %s with defaults: every output, aligned, defined after warm-up',
    (name) => {
      const info = findIndicator(name)!;
      const out = computeIndicator(name, bars, {});
      expect(Object.keys(out).sort()).toEqual([...info.outputs].sort());
      for (const series of Object.values(out)) {
        expect(series).toBeInstanceOf(Float64Array);
        expect(series).toHaveLength(bars.close.length);
        expect(Number.isFinite(series[series.length - 1] as number)).toBe(true);
      }
    },
  );

  it('passes params through and fills the missing ones with defaults', () => {
    expect(Array.from(computeIndicator('sma', bars, { period: 7 }).value as Float64Array)).toEqual(
      Array.from(sma(bars.close, 7)),
    );
    const m = computeIndicator('macd', bars, { fast: 5 });
    expect(Array.from(m.signal as Float64Array)).toEqual(Array.from(macd(bars.close, 5, 26, 9).signal));
    expect(Array.from(computeIndicator('atr', bars).value as Float64Array)).toEqual(
      Array.from(atr(bars, 14)),
    );
    const sample = computeIndicator('rollsd', bars, { period: 10 }).value as Float64Array;
    const population = computeIndicator('rollsd', bars, { period: 10, sample: 0 }).value as Float64Array;
    expect((sample[50] as number) / (population[50] as number)).toBeCloseTo(Math.sqrt(10 / 9), 12);
  });

  it('refuses an unknown indicator, listing the known ones', () => {
    expect(() => computeIndicator('smaa', bars, {})).toThrow(IndicatorInputError);
    expect(() => computeIndicator('smaa', bars, {})).toThrow(
      /Unknown indicator "smaa": choose one of sma, ema, wma/,
    );
  });

  it('refuses bad params, naming the param and the allowed range', () => {
    const cases: [string, Record<string, number>, RegExp][] = [
      ['sma', { period: 0 }, /sma period \(Period \(bars\)\) must be a whole number from 1 to 1000, got 0/],
      ['sma', { period: 2.5 }, /must be a whole number/],
      ['sma', { period: NaN }, /got NaN/],
      ['ema', { length: 20 }, /ema has no param "length": its params are period/],
      ['obv', { period: 3 }, /obv takes no params, got "period"/],
      ['bbands', { k: 0 }, /bbands k .* must be a number from 0.1 to 10, got 0/],
      ['rollsd', { sample: 2 }, /rollsd sample/],
      ['macd', { fast: 30, slow: 20 }, /macd: fast \(30\) must be shorter than slow \(20\)/],
      ['macd', { fast: 30 }, /fast \(30\) must be shorter than slow \(26\)/],
    ];
    for (const [name, params, message] of cases) {
      expect(() => computeIndicator(name, bars, params)).toThrow(message);
      expect(indicatorParamProblems(name, params).length).toBeGreaterThan(0);
    }
    expect(indicatorParamProblems('macd', { fast: 5, slow: 35, signal: 5 })).toEqual([]);
  });

  it('refuses indicators that need high, low or volume on close-only bars, and says what to do', () => {
    const closes = makeBars(60, true);
    for (const info of indicatorCatalogue) {
      if (info.needsOhlcv) {
        expect(() => computeIndicator(info.name, closes, {})).toThrow(IndicatorInputError);
        expect(() => computeIndicator(info.name, closes, {})).toThrow(
          new RegExp(
            `\\(${info.name}\\) needs .* closes only: import a CSV with high, low and volume columns`,
          ),
        );
      } else expect(() => computeIndicator(info.name, closes, {})).not.toThrow();
    }
    expect(() => computeIndicator('obv', closes, {})).toThrow(/needs volume/);
  });
});
