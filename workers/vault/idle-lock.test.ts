import { describe, expect, it } from 'vitest';
import { IdleLock, type Timers } from './idle-lock.js';

/** A hand-driven clock: timers fire only when the test moves time forward. */
function manualClock() {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout: (fn, ms) => (pending.set(++seq, { at: now + ms, fn }), seq),
    clearTimeout: (h) => void pending.delete(h as number),
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const next = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      pending.delete(next[0]);
      now = next[1].at;
      next[1].fn();
    }
    now = end;
  };
  return { timers, now: () => now, advance, pending };
}

describe('idle lock', () => {
  it('fires once after the idle time, re-arming for the remainder after activity', () => {
    const clock = manualClock();
    let fired = 0;
    const idle = new IdleLock(() => fired++, clock.now, clock.timers);
    idle.start(1_000);
    clock.advance(600);
    idle.touch();
    clock.advance(500); // the timer fires at 1000, sees 400 ms idle, re-arms for 600
    expect(fired).toBe(0);
    expect(clock.pending.size).toBe(1);
    clock.advance(600);
    expect(fired).toBe(1);
    expect(idle.running).toBe(false);
    clock.advance(10_000);
    expect(fired).toBe(1);
  });

  it('stops without firing', () => {
    const clock = manualClock();
    let fired = 0;
    const idle = new IdleLock(() => fired++, clock.now, clock.timers);
    idle.start(1_000);
    idle.stop();
    clock.advance(5_000);
    expect(fired).toBe(0);
    expect(clock.pending.size).toBe(0);
  });
});
