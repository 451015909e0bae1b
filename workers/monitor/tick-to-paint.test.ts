import { describe, expect, it } from 'vitest';
import { paintWindowMs, TickToPaint, type PaintClock } from './tick-to-paint.js';

/** A page whose frames, clock and visibility the test drives. */
function page(start = 1_000_000) {
  const frames: Array<() => void> = [];
  const state = { now: start, hidden: false };
  const clock: PaintClock = {
    now: () => state.now,
    requestFrame: (cb) => void frames.push(cb),
    hidden: () => state.hidden,
  };
  const paint = () => frames.splice(0).forEach((f) => f());
  return { state, clock, paint, t: new TickToPaint(clock) };
}

describe('tick-to-paint', () => {
  it('records the time from the stamp to the next frame', () => {
    const p = page();
    p.t.batchApplied(p.state.now - 12);
    p.t.batchApplied(p.state.now - 4);
    p.state.now += 16;
    p.paint();
    expect(p.t.snapshot()).toMatchObject({ count: 2, min: 20, max: 28 });
  });

  it('ignores batches applied while hidden and a frame asked for before the tab was hidden', () => {
    const p = page();
    p.t.batchApplied(p.state.now - 5);
    p.state.hidden = true;
    p.t.visibilityChanged();
    p.t.batchApplied(p.state.now);
    p.state.now += 60_000; // an hour in the background would record an hour
    p.state.hidden = false;
    p.t.visibilityChanged();
    p.paint();
    expect(p.t.snapshot().count).toBe(0);
    // Shown again: counting resumes.
    p.t.batchApplied(p.state.now - 3);
    p.state.now += 5;
    p.paint();
    expect(p.t.snapshot()).toMatchObject({ count: 1, max: 8 });
  });

  it('drops negative samples (the two clocks disagree) instead of counting them as zero', () => {
    const p = page();
    p.t.batchApplied(p.state.now + 500);
    p.paint();
    expect(p.t.snapshot().count).toBe(0);
  });

  it('forgets samples older than the window', () => {
    const p = page(0);
    p.t.batchApplied(p.state.now - 900);
    p.paint();
    p.state.now += paintWindowMs / 2;
    p.t.batchApplied(p.state.now - 10);
    p.paint();
    expect(p.t.snapshot()).toMatchObject({ count: 2, max: 900 });
    // Past the window by more than one slice: the half-way sample has gone too.
    p.state.now += paintWindowMs + paintWindowMs / 5;
    p.t.batchApplied(p.state.now - 10);
    p.paint();
    expect(p.t.snapshot()).toMatchObject({ count: 1, max: 10 });
  });
});
