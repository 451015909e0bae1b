import { describe, expect, it } from 'vitest';
import { parseWeights } from './weights-flag.js';

describe('parseWeights', () => {
  const assets = ['A', 'B', 'C'];

  it('maps names to weights and leaves the rest at 0', () => {
    expect(Array.from(parseWeights('A=0.3, C=0.7', assets))).toEqual([0.3, 0, 0.7]);
  });

  it('accepts a sum within 1e-9 of 1 and refuses one beyond, showing the difference', () => {
    expect(() => parseWeights('A=0.3333333333,B=0.3333333333,C=0.3333333334', assets)).not.toThrow();
    expect(() => parseWeights('A=0.5,B=0.49999999', assets)).toThrow(/1e-8 short of/);
  });

  it('refuses a repeated asset and a pair without =', () => {
    expect(() => parseWeights('A=0.5,A=0.5', assets)).toThrow(/A is given twice/);
    expect(() => parseWeights('A:1', assets)).toThrow(/not ASSET=WEIGHT/);
    expect(() => parseWeights(',', assets)).toThrow(/empty/);
  });
});
