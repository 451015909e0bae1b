import { describe, expect, it } from 'vitest';
import { atrCloseOnly, trueRangeCloseOnly } from './atr.js';
import { bollinger } from './bollinger.js';
import { macd } from './macd.js';
import { ema, sma } from './moving-averages.js';
import { rollingSd } from './rolling-sd.js';
import { rsi } from './rsi.js';
import { referenceIndicators } from './test-support/reference.js';

// R 4.2.2 / TTR 0.24.3 on the DAX close (test/fixtures/reference/README.md): every column to 1e-9
// absolute, and the undefined (empty) positions exactly where ours are NaN.
const ref = referenceIndicators();
const close = ref.close as Float64Array;
const m = macd(close, 12, 26, 9);
const bb = bollinger(close, 20, 2);
const ours: Record<string, Float64Array> = {
  sma20: sma(close, 20),
  ema20: ema(close, 20),
  rsi14: rsi(close, 14),
  macd: m.macd,
  macd_signal: m.signal,
  macd_hist: m.hist,
  bb_dn: bb.lower,
  bb_mavg: bb.middle,
  bb_up: bb.upper,
  bb_pctB: bb.pctB,
  runsd20_sample: rollingSd(close, 20, true),
  runsd20_pop: rollingSd(close, 20, false),
  tr_close_only: trueRangeCloseOnly(close),
  atr14_close_only: atrCloseOnly(close, 14),
};

describe('indicators against the R/TTR reference on the DAX', () => {
  it('covers every column of the reference file', () => {
    const columns = Object.keys(ref).filter((c) => c !== 'index' && c !== 'close');
    expect(columns.sort()).toEqual(Object.keys(ours).sort());
    expect(close.length).toBe(1860);
  });

  it.each(Object.keys(ours))('%s matches to 1e-9, NaN exactly where the reference is empty', (column) => {
    const expected = ref[column] as Float64Array;
    const actual = ours[column] as Float64Array;
    expect(actual.length).toBe(expected.length);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i] as number;
      const a = actual[i] as number;
      if (Number.isNaN(e) !== Number.isNaN(a))
        expect.fail(`${column}[${i}]: expected ${e}, got ${a} (defined in one and not the other)`);
      if (!Number.isNaN(e)) worst = Math.max(worst, Math.abs(a - e));
    }
    expect(worst).toBeLessThanOrEqual(1e-9);
  });

  it('starts each series where the README says', () => {
    const firstDefined = (xs: Float64Array) => xs.findIndex((x) => !Number.isNaN(x));
    expect(firstDefined(ours.sma20 as Float64Array)).toBe(19);
    expect(firstDefined(ours.rsi14 as Float64Array)).toBe(14);
    expect(firstDefined(m.macd)).toBe(25);
    expect(firstDefined(m.signal)).toBe(33);
    expect(firstDefined(ours.tr_close_only as Float64Array)).toBe(1);
    expect(firstDefined(ours.atr14_close_only as Float64Array)).toBe(14);
  });
});
