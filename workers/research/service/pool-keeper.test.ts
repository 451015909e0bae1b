import { describe, expect, it } from 'vitest';
import { WorkerPool, type PoolWorker } from '../pool/pool.js';
import { PoolKeeper } from './pool-keeper.js';

class IdleWorker implements PoolWorker {
  async load(): Promise<void> {}
  run(): never {
    throw new Error('not used');
  }
  cancel(): void {}
  terminate(): void {}
}

function keeper(defaultSize = 4) {
  const made: Array<{ size: number; pool: WorkerPool; closed: boolean }> = [];
  const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
  const k = new PoolKeeper({
    create(size) {
      const pool = new WorkerPool(size, () => new IdleWorker());
      const entry = { size, pool, closed: false };
      const close = pool.close.bind(pool);
      pool.close = () => {
        entry.closed = true;
        close();
      };
      made.push(entry);
      return pool;
    },
    defaultSize,
    idleMs: 1000,
    setTimer: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimer: (t) => void ((t as { cleared: boolean }).cleared = true),
  });
  return { k, made, timers };
}

describe('pool keeper', () => {
  it('keeps one pool between jobs of the same size, and replaces it for another size when idle', () => {
    const { k, made } = keeper();
    const a = k.acquire(2)!;
    a.release();
    const b = k.acquire(2)!;
    expect(b.pool).toBe(a.pool);
    b.release();
    const c = k.acquire(3)!;
    expect(made.map((m) => [m.size, m.closed])).toEqual([
      [2, true],
      [3, false],
    ]);
    // A single task takes the kept pool, whatever its size.
    c.release();
    expect(k.acquire(null)!.pool).toBe(c.pool);
  });

  it('gives a job its own pool when the kept one is busy with another size, closed when it ends', () => {
    const { k, made } = keeper();
    const sweep = k.acquire(4)!;
    const single = k.acquire(null)!;
    const other = k.acquire(2)!;
    expect(made.map((m) => m.size)).toEqual([4, 1, 2]);
    single.release();
    other.release();
    expect(made.map((m) => m.closed)).toEqual([false, true, true]);
    // The same size shares the busy pool: its queue serves them in turn.
    expect(k.acquire(4)!.pool).toBe(sweep.pool);
  });

  it('closes the kept pool after it has been idle, unless a job comes first', () => {
    const { k, made, timers } = keeper();
    k.acquire(null)!.release();
    expect(made[0]!.size).toBe(4);
    expect(timers).toHaveLength(1);
    const again = k.acquire(null)!;
    expect(timers[0]!.cleared).toBe(true);
    again.release();
    timers.at(-1)!.fn();
    expect(made[0]!.closed).toBe(true);
    expect(k.acquire(null)!.pool).not.toBe(made[0]!.pool);
  });

  it('lends nothing where there are no pools', () => {
    const k = new PoolKeeper({
      create: () => null,
      defaultSize: 2,
      idleMs: 1,
      setTimer: () => 0,
      clearTimer: () => {},
    });
    expect(k.acquire(2)).toBeNull();
    expect(k.acquire(null)).toBeNull();
  });
});
