import { describe, expect, it, vi } from 'vitest';
import { frameScheduler } from './frame';

function fakeFrames() {
  let next = 1;
  const queue = new Map<number, (t: number) => void>();
  return {
    raf: (cb: (t: number) => void) => {
      queue.set(next, cb);
      return next++;
    },
    caf: (id: number) => void queue.delete(id),
    tick() {
      const cbs = [...queue.values()];
      queue.clear();
      for (const cb of cbs) cb(0);
    },
    get size() {
      return queue.size;
    },
  };
}

describe('frameScheduler', () => {
  it('runs once per frame however often it is scheduled', () => {
    const f = fakeFrames();
    const run = vi.fn();
    const s = frameScheduler(run, f.raf, f.caf);
    for (let i = 0; i < 100; i++) s.schedule();
    expect(f.size).toBe(1);
    expect(s.pending).toBe(true);
    f.tick();
    expect(run).toHaveBeenCalledTimes(1);
    expect(s.pending).toBe(false);
    s.schedule();
    f.tick();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('flushes a pending run now and cancels the frame', () => {
    const f = fakeFrames();
    const run = vi.fn();
    const s = frameScheduler(run, f.raf, f.caf);
    s.flush();
    expect(run).not.toHaveBeenCalled();
    s.schedule();
    s.flush();
    expect(run).toHaveBeenCalledTimes(1);
    expect(f.size).toBe(0);
  });

  it('cancels', () => {
    const f = fakeFrames();
    const run = vi.fn();
    const s = frameScheduler(run, f.raf, f.caf);
    s.schedule();
    s.cancel();
    f.tick();
    expect(run).not.toHaveBeenCalled();
  });

  it('can schedule again from inside a run', () => {
    const f = fakeFrames();
    let runs = 0;
    const s = frameScheduler(
      () => {
        if (++runs === 1) s.schedule();
      },
      f.raf,
      f.caf,
    );
    s.schedule();
    f.tick();
    f.tick();
    expect(runs).toBe(2);
  });
});
