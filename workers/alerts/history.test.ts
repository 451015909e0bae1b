import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlertHistory } from './history.js';
import type { AlertFiring } from './types.js';

function firing(i: number, alertId = 'a'): AlertFiring {
  return {
    alertId,
    name: alertId,
    kind: 'price-cross',
    symbol: 'BTC/USDT',
    time: 1_000 + i,
    message: `firing ${i}`,
    value: i,
    late: false,
    sound: false,
    disabled: false,
  };
}

describe('AlertHistory', () => {
  it('appends in order with sequence numbers and drops the oldest beyond the cap', () => {
    const h = new AlertHistory(3);
    h.append([firing(1), firing(2)]);
    const added = h.append([firing(3), firing(4, 'b')]);
    expect(added.map((e) => e.seq)).toEqual([3, 4]);
    expect(h.entries().map((e) => [e.seq, e.message])).toEqual([
      [2, 'firing 2'],
      [3, 'firing 3'],
      [4, 'firing 4'],
    ]);
    expect(h.dropped).toBe(1);
    expect(h.forAlert('b').map((e) => e.seq)).toEqual([4]);
  });

  it('hands out copies, so callers cannot rewrite the history', () => {
    const h = new AlertHistory(5);
    h.append([firing(1)]);
    const e = h.entries()[0] as { message: string };
    e.message = 'changed';
    expect(h.entries()[0]?.message).toBe('firing 1');
  });

  it('round-trips through JSON and keeps counting', () => {
    const h = new AlertHistory(4);
    h.append([1, 2, 3, 4, 5].map((i) => firing(i)));
    const back = AlertHistory.from(JSON.parse(JSON.stringify(h.toJSON())));
    expect(back.toJSON()).toEqual(h.toJSON());
    expect(back.append([firing(6)])[0]?.seq).toBe(6);
    expect(back.dropped).toBe(2);
  });

  it('restores what it can from damaged data and refuses a bad cap', () => {
    const back = AlertHistory.from(
      { cap: -1, entries: [{ seq: 1 }, { ...firing(2), seq: 7 }], nextSeq: 'x' },
      10,
    );
    expect(back.cap).toBe(10);
    expect(back.entries().map((e) => e.seq)).toEqual([7]);
    expect(back.append([firing(3)])[0]?.seq).toBe(8);
    expect(AlertHistory.from(null).length).toBe(0);
    expect(() => new AlertHistory(0)).toThrow(/cap must be a whole number >= 1/);
  });

  it('holds the newest min(cap, n) firings, oldest first, for any batches', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.nat(5), { maxLength: 30 }), (cap, batches) => {
        const h = new AlertHistory(cap);
        let n = 0;
        for (const size of batches) h.append(Array.from({ length: size }, () => firing(++n)));
        const seqs = h.entries().map((e) => e.seq);
        const expected = Array.from({ length: Math.min(cap, n) }, (_, i) => n - Math.min(cap, n) + 1 + i);
        expect(seqs).toEqual(expected);
        expect(h.dropped).toBe(n - seqs.length);
      }),
      { numRuns: 200 },
    );
  });
});
