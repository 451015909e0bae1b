import { describe, expect, it } from 'vitest';
import { LoopLag, type LagClock } from './loop-lag.js';

/** A clock the test moves by hand; each timer fires when the test says, as late as it says. */
function manualClock() {
  let now = 0;
  let pending: { fn: () => void; ms: number } | null = null;
  const clock: LagClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      pending = { fn, ms };
      return 1;
    },
    clearTimeout: () => void (pending = null),
  };
  /** Runs the pending timer `late` ms after it was due. */
  const fire = (late: number) => {
    const p = pending!;
    now += p.ms + late;
    p.fn();
  };
  return { clock, fire, pending: () => pending };
}

describe('LoopLag', () => {
  it("measures how late its timer runs, and keeps the last minute's worst", () => {
    const c = manualClock();
    const lag = new LoopLag(250, c.clock);
    lag.start();
    c.fire(3);
    c.fire(120);
    c.fire(0);
    const s = lag.snapshot();
    expect(s.lastMs).toBe(0);
    expect(s.worstMs).toBe(120);
    expect(s.histogram.count).toBe(3);
    expect(s.histogram.max).toBe(120);
    // A minute of prompt timers later the 120 ms stall is no longer the worst of the last minute.
    for (let i = 0; i < 250; i++) c.fire(1);
    expect(lag.snapshot().worstMs).toBe(1);
  });

  it('runs no timer until started and none after stopping', () => {
    const c = manualClock();
    const lag = new LoopLag(250, c.clock);
    expect(c.pending()).toBeNull();
    expect(lag.snapshot()).toMatchObject({ lastMs: null, worstMs: null });
    lag.start();
    expect(lag.running).toBe(true);
    lag.stop();
    expect(lag.running).toBe(false);
    expect(c.pending()).toBeNull();
  });
});
