import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../backtest/errors.js';
import type { BacktestConfig, BacktestMetrics, Bars, Params } from '../backtest/types.js';
import type { StrategySpec } from '../strategies/spec.js';
import { splitEvenly, WorkerPool, type PoolWorker } from './pool.js';
import type { PoolTask, PoolTaskResult, SweepCellDraft } from './tasks.js';

const spec: StrategySpec = { kind: 'builtin', id: 'fake', params: {} };
const config: BacktestConfig = {
  capital: 1,
  fee: 0,
  slippage: { model: 'none' },
  execution: 'close',
  periodsPerYear: 252,
};

function barsOf(n: number): Bars {
  const close = Float64Array.from({ length: n }, (_, i) => 100 + i);
  return {
    time: Float64Array.from({ length: n }, (_, i) => i * 86_400_000),
    open: close,
    high: close,
    low: close,
    close,
    volume: new Float64Array(n),
    closeOnly: true,
  };
}

/** A stand-in result the test can recompute: the combo's `a` times the loaded bars' last close. */
function fakeCell(params: Params, bars: Bars): SweepCellDraft {
  const value = (params.a as number) * (bars.close[bars.close.length - 1] as number);
  const metrics = { total_return: value, sharpe: value } as unknown as BacktestMetrics;
  return {
    params,
    metrics,
    pValue: 0.5,
    returns: { n: 0, mean: 0, sd: 0, skewness: 0, kurtosis: 0 },
    error: null,
  };
}

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface FakeOptions {
  /** Delay before each combo, ms (varied so chunks finish out of order). */
  delay?: (combo: Params) => number;
  failOn?: (combo: Params) => boolean;
}

/** An in-process PoolWorker: runs fake sweep tasks asynchronously and records what it was asked. */
class FakeWorker implements PoolWorker {
  loads: string[] = [];
  runs = 0;
  cancelled = false;
  terminated = false;
  private bars: Bars | null = null;
  private key: string | null = null;

  constructor(private readonly options: FakeOptions) {}

  async load(datasetKey: string, bars: Bars): Promise<void> {
    await tick(0);
    this.loads.push(datasetKey);
    this.key = datasetKey;
    this.bars = bars;
  }

  async run(task: PoolTask, onProgress: (done: number, total: number) => void): Promise<PoolTaskResult> {
    if (task.datasetKey !== this.key || !this.bars) throw new Error(`dataset ${task.datasetKey} not loaded`);
    this.runs++;
    if (task.kind === 'backtest') {
      for (let i = 1; i <= 4; i++) {
        await tick(1);
        onProgress(i * 250, 1000);
      }
      return { kind: 'backtest', result: { equity: this.bars.close } as never };
    }
    if (task.kind !== 'sweep') throw new Error('fake workers run sweeps and backtests only');
    const cells: SweepCellDraft[] = [];
    for (const combo of task.combos) {
      await tick(this.options.delay?.(combo) ?? 0);
      if (this.cancelled || this.terminated) return new Promise(() => {});
      if (this.options.failOn?.(combo)) throw new Error(`combo a=${combo.a} failed on purpose`);
      cells.push(fakeCell(combo, this.bars));
      onProgress(cells.length, task.combos.length);
    }
    return { kind: 'sweep', cells };
  }

  cancel(): void {
    this.cancelled = true;
  }

  terminate(): void {
    this.terminated = true;
  }
}

function fakePool(size: number, options: FakeOptions = {}, chunksPerWorker?: number) {
  const made: FakeWorker[] = [];
  const pool = new WorkerPool(
    size,
    () => {
      const worker = new FakeWorker(options);
      made.push(worker);
      return worker;
    },
    { chunksPerWorker, pollMs: 2 },
  );
  return { pool, made };
}

const combosOf = (n: number): Params[] => Array.from({ length: n }, (_, i) => ({ a: i + 1 }));

describe('splitEvenly', () => {
  it('keeps every item in order, in chunks whose sizes differ by at most one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { maxLength: 200 }),
        fc.integer({ min: 1, max: 40 }),
        (xs, parts) => {
          const chunks = splitEvenly(xs, parts);
          expect(chunks.flat()).toEqual(xs);
          expect(chunks.length).toBe(xs.length === 0 ? 0 : Math.min(parts, xs.length));
          const sizes = chunks.map((c) => c.length);
          if (sizes.length > 0) {
            expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
            expect(Math.min(...sizes)).toBeGreaterThan(0);
          }
        },
      ),
    );
  });
});

describe('WorkerPool.sweep with in-process fake workers', () => {
  it('returns one cell per combo in the order of the combos, however the chunks finish', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer(),
        async (n, size, chunksPerWorker, salt) => {
          const { pool } = fakePool(
            size,
            { delay: (c) => Math.abs((c.a as number) * 7919 + salt) % 3 },
            chunksPerWorker,
          );
          const bars = barsOf(10);
          const combos = combosOf(n);
          const cells = await pool.sweep(bars, 'ds', spec, config, combos);
          expect(cells.map((c) => c.params)).toEqual(combos);
          expect(cells.map((c) => c.metrics.total_return)).toEqual(combos.map((c) => (c.a as number) * 109));
          pool.close();
        },
      ),
      { numRuns: 25 },
    );
  });

  it('reports progress that never decreases and ends at the total', async () => {
    const { pool } = fakePool(3, { delay: (c) => (c.a as number) % 4 });
    const seen: [number, number][] = [];
    await pool.sweep(barsOf(5), 'ds', spec, config, combosOf(37), {
      onProgress: (done, total) => seen.push([done, total]),
    });
    expect(seen.length).toBeGreaterThan(3);
    for (const [, total] of seen) expect(total).toBe(37);
    for (let i = 1; i < seen.length; i++) expect(seen[i]![0]).toBeGreaterThan(seen[i - 1]![0]);
    expect(seen[seen.length - 1]).toEqual([37, 37]);
    pool.close();
  });

  it('spreads uneven work over every worker and loads the bars once per worker and dataset', async () => {
    const { pool, made } = fakePool(3, { delay: (c) => ((c.a as number) < 4 ? 6 : 0) }, 4);
    await pool.sweep(barsOf(5), 'ds', spec, config, combosOf(29));
    await pool.sweep(barsOf(5), 'ds', spec, config, combosOf(11));
    expect(made.length).toBe(3);
    for (const w of made) expect(w.loads).toEqual(['ds']);
    // 12 chunks for 29 combos and 12 for 11 (one each): all workers ran some, the slow first chunk less.
    expect(made.reduce((s, w) => s + w.runs, 0)).toBe(12 + 11);
    for (const w of made) expect(w.runs).toBeGreaterThan(0);
    // A new dataset is loaded again, on whichever workers take its tasks.
    const cells = await pool.sweep(barsOf(7), 'other', spec, config, combosOf(6));
    expect(cells[0]!.metrics.total_return).toBe(106);
    for (const w of made) expect(w.loads.filter((k) => k === 'other').length).toBeLessThanOrEqual(1);
    pool.close();
  });

  it('cancels every running task when the AbortSignal aborts, rejects with CancelledError, then works again', async () => {
    const { pool, made } = fakePool(2, { delay: () => 5 });
    const controller = new AbortController();
    let progressCalls = 0;
    const run = pool.sweep(barsOf(5), 'ds', spec, config, combosOf(40), {
      signal: controller.signal,
      onProgress: (done) => {
        progressCalls++;
        if (done >= 3) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    const callsAtCancel = progressCalls;
    expect(made.length).toBe(2);
    for (const w of made) expect(w.cancelled && w.terminated).toBe(true);
    await tick(30);
    expect(progressCalls).toBe(callsAtCancel);
    // Cancelled workers are replaced, not reused.
    const cells = await pool.sweep(barsOf(5), 'ds', spec, config, combosOf(4));
    expect(cells.length).toBe(4);
    expect(made.length).toBe(4);
    pool.close();
  });

  it('polls a plain { aborted } object', async () => {
    const { pool } = fakePool(2, { delay: () => 3 });
    const signal = { aborted: false };
    setTimeout(() => (signal.aborted = true), 10);
    await expect(pool.sweep(barsOf(5), 'ds', spec, config, combosOf(100), { signal })).rejects.toBeInstanceOf(
      CancelledError,
    );
    await expect(
      pool.sweep(barsOf(5), 'ds', spec, config, combosOf(3), { signal: { aborted: true } }),
    ).rejects.toBeInstanceOf(CancelledError);
    pool.close();
  });

  it("rejects with the worker's error message and stops the job's other tasks", async () => {
    const { pool, made } = fakePool(2, { delay: () => 2, failOn: (c) => c.a === 9 });
    await expect(pool.sweep(barsOf(5), 'ds', spec, config, combosOf(30))).rejects.toThrow(
      'combo a=9 failed on purpose',
    );
    // The failed worker is discarded and the other one cancelled.
    expect(made.every((w) => w.terminated)).toBe(true);
    const { pool: healthy } = fakePool(2);
    expect((await healthy.sweep(barsOf(5), 'ds', spec, config, combosOf(3))).length).toBe(3);
    pool.close();
    healthy.close();
  });

  it('shares workers between two jobs on different datasets', async () => {
    const { pool } = fakePool(2, { delay: () => 1 });
    const [a, b] = await Promise.all([
      pool.sweep(barsOf(5), 'five', spec, config, combosOf(9)),
      pool.sweep(barsOf(8), 'eight', spec, config, combosOf(9)),
    ]);
    expect(a.map((c) => c.metrics.total_return)).toEqual(combosOf(9).map((c) => (c.a as number) * 104));
    expect(b.map((c) => c.metrics.total_return)).toEqual(combosOf(9).map((c) => (c.a as number) * 107));
    pool.close();
  });
});

describe('WorkerPool.run and close', () => {
  it('runs one task, scaling its own progress units to one unit of the job', async () => {
    const { pool } = fakePool(2);
    const seen: number[] = [];
    const result = await pool.run(
      barsOf(6),
      { kind: 'backtest', datasetKey: 'six', strategy: spec, config },
      { onProgress: (done, total) => seen.push(done / total) },
    );
    expect(result.kind).toBe('backtest');
    expect(seen[seen.length - 1]).toBe(1);
    pool.close();
  });

  it('rejects jobs still running when closed, and refuses new ones', async () => {
    const { pool } = fakePool(1, { delay: () => 5 });
    const run = pool.sweep(barsOf(5), 'ds', spec, config, combosOf(20));
    await tick(8);
    pool.close();
    await expect(run).rejects.toThrow('closed');
    await expect(pool.sweep(barsOf(5), 'ds', spec, config, combosOf(1))).rejects.toThrow('closed');
  });

  it('refuses a size that is not a whole number of at least one', () => {
    expect(() => new WorkerPool(0, () => new FakeWorker({}))).toThrow('at least 1');
    expect(() => new WorkerPool(1.5, () => new FakeWorker({}))).toThrow('whole number');
  });
});
