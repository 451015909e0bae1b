import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hysteresisOf, observeLevel, type LevelChannel } from './level-crossing.js';
import { fillSpec, macdSpec, percentMoveSpec, priceCrossSpec, riskSpec, rsiSpec } from './test-support.js';

function walk(values: number[], level: number, band: number) {
  let ch: LevelChannel | undefined;
  const crossings: Array<'up' | 'down' | null> = [];
  values.forEach((v, i) => {
    const r = observeLevel(ch, v, i, level, band);
    ch = r.channel;
    crossings.push(r.crossed);
  });
  return { ch, crossings };
}

describe('observeLevel', () => {
  it('sets the side at the first observation without crossing', () => {
    expect(observeLevel(undefined, 9, 0, 10, 1)).toEqual({
      channel: { armedUp: true, armedDown: false, side: 'below', value: 9, time: 0 },
      crossed: null,
    });
    expect(observeLevel(undefined, 11, 0, 10, 1).channel).toMatchObject({
      armedUp: false,
      armedDown: true,
      side: 'above',
    });
    expect(observeLevel(undefined, 10, 0, 10, 1).channel).toMatchObject({
      armedUp: false,
      armedDown: false,
      side: 'at',
    });
  });

  it("'from-below' starts armed upward, so a first value at or past the level fires", () => {
    expect(observeLevel(undefined, 12, 0, 10, 1, 'from-below')).toEqual({
      channel: { armedUp: false, armedDown: true, side: 'above', value: 12, time: 0 },
      crossed: 'up',
    });
    expect(observeLevel(undefined, 10, 0, 10, 1, 'from-below').crossed).toBe('up');
    expect(observeLevel(undefined, 9.5, 0, 10, 1, 'from-below')).toEqual({
      channel: { armedUp: true, armedDown: false, side: 'below', value: 9.5, time: 0 },
      crossed: null,
    });
    // It only changes the first observation.
    const first = observeLevel(undefined, 8, 0, 10, 1, 'from-below').channel;
    expect(first).toEqual(observeLevel(undefined, 8, 0, 10, 1).channel);
    expect(observeLevel(first, 12, 1, 10, 1, 'from-below')).toEqual(observeLevel(first, 12, 1, 10, 1));
  });

  it('fires at the level, holds inside the band, re-arms beyond it', () => {
    // Level 10, band 1: up fires at >= 10 and re-arms below 9; down fires at <= 10 and re-arms above 11.
    const { crossings } = walk([8, 10, 9.5, 10.5, 9, 8.9, 10, 11, 11.1, 10], 10, 1);
    expect(crossings).toEqual([null, 'up', null, null, null, null, 'up', null, null, 'down']);
  });

  it('with band 0 every move from one side to the level or beyond is a crossing', () => {
    const { crossings } = walk([9, 10, 9, 11, 10, 11, 9], 10, 0);
    expect(crossings).toEqual([null, 'up', null, 'up', 'down', null, 'down']);
  });

  it('never has both arms set, so at most one direction fires per observation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom('sets-side' as const, 'from-below' as const),
        (values, band, first) => {
          let ch: LevelChannel | undefined;
          values.forEach((v, i) => {
            const r = observeLevel(ch, v, i, 0, band, first);
            expect(r.channel.armedUp && r.channel.armedDown).toBe(false);
            ch = r.channel;
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('hysteresisOf', () => {
  it('takes the spec’s own value, else the documented default of its kind', () => {
    expect(hysteresisOf(priceCrossSpec())).toBe(0.001);
    expect(hysteresisOf(priceCrossSpec({ hysteresis: 0 }))).toBe(0);
    expect(hysteresisOf(percentMoveSpec())).toBe(0.1);
    expect(hysteresisOf(rsiSpec())).toBe(2);
    expect(hysteresisOf(macdSpec())).toBe(0.0001);
    expect(hysteresisOf(riskSpec({ event: 'drawdown', threshold: 0.1 }))).toBe(0.1);
    expect(hysteresisOf(riskSpec())).toBe(0);
    expect(hysteresisOf(fillSpec())).toBe(0);
  });
});
