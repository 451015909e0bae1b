import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarWindow } from './bar-window.js';
import { columns, type Candle } from './test-support.js';

const bar = (t: number): Candle => ({
  time: t,
  open: t + 1,
  high: t + 2,
  low: t + 0.5,
  close: t + 1.5,
  volume: 7,
});

describe('the bars a run keeps', () => {
  it('grows with new bars only, oldest first, never repeating or reordering, capped to the newest', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 40 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 100 }),
        (pages, capacity) => {
          const w = new BarWindow(null, capacity);
          const expected: number[] = [];
          for (const page of pages) {
            const times = [...page].sort((a, b) => a - b);
            w.append(columns(times.map(bar)));
            for (const t of times)
              if (expected.length === 0 || t > expected[expected.length - 1]!) expected.push(t);
          }
          const kept = expected.slice(-capacity);
          const b = w.bars();
          expect([...b.time]).toEqual(kept);
          expect([...b.close]).toEqual(kept.map((t) => t + 1.5));
          expect([...b.volume]).toEqual(kept.map(() => 7));
          expect(w.length).toBe(kept.length);
          expect(w.lastTime).toBe(kept.length ? kept[kept.length - 1] : null);
          expect(b.closeOnly).toBe(false);
        },
      ),
    );
  });

  it('hands out copies: what a strategy does with its bars cannot change the run', () => {
    const w = new BarWindow(columns([bar(1), bar(2)]));
    w.bars().close[0] = -1;
    expect(w.bars().close[0]).toBe(2.5);
  });
});
