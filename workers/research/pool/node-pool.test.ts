import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { planSweep } from '../analysis/sweep-plan.js';
import { sweepCells } from '../analysis/sweep-cells.js';
import { closeConfig, daxBars, walkBars } from '../analysis/test-support.js';
import { inProcessEvaluator, walkForward } from '../analysis/walk-forward.js';
import { CancelledError, ResearchInputError } from '../backtest/errors.js';
import type { StrategySpec } from '../strategies/spec.js';
import { NodePoolWorker } from './node-pool.js';
import { poolWindowEvaluator } from './pool-evaluator.js';
import { WorkerPool } from './pool.js';
import { runTask } from './tasks.js';

const spec: StrategySpec = { kind: 'builtin', id: 'sma-cross', params: {} };
let pool: WorkerPool | null = null;
let made: NodePoolWorker[] = [];

function threadPool(size: number): WorkerPool {
  made = [];
  pool = new WorkerPool(size, () => {
    const w = new NodePoolWorker();
    made.push(w);
    return w;
  });
  return pool;
}

afterEach(() => {
  pool?.close();
  pool = null;
});

describe('WorkerPool on Node worker threads', () => {
  const dax = daxBars();
  const plan = planSweep(spec, [
    { param: 'fast', from: 5, to: 25, step: 5 },
    { param: 'slow', from: 30, to: 90, step: 20 },
  ]);

  it('runs a sweep on two threads with the same cells as in this thread', async () => {
    const p = threadPool(2);
    const seen: number[] = [];
    const cells = await p.sweep(dax, 'dax', spec, closeConfig, plan.combos, {
      onProgress: (d) => seen.push(d),
    });
    expect(cells).toEqual(sweepCells(dax, spec, closeConfig, plan.combos));
    expect(seen[seen.length - 1]).toBe(plan.combos.length);
    // Two real threads, neither of them this one.
    const ids = made.map((w) => w.threadId);
    expect(ids.length).toBe(2);
    for (const id of ids) expect(id !== null && id !== threadId).toBe(true);
    expect(new Set(ids).size).toBe(2);
  });

  it('runs walk-forward windows on the threads with the in-process result', async () => {
    const p = threadPool(2);
    const options = {
      strategy: spec,
      config: closeConfig,
      mode: 'rolling' as const,
      inSample: 500,
      outOfSample: 250,
      combos: plan.combos,
      objective: 'sharpe' as const,
    };
    const onThreads = await walkForward(dax, options, poolWindowEvaluator(p, dax, 'dax', spec, closeConfig));
    const here = await walkForward(dax, options, inProcessEvaluator(spec, closeConfig));
    expect(onThreads).toEqual(here);
  });

  it('brings a ResearchInputError back with its field and message', async () => {
    const p = threadPool(1);
    const error = await p
      .run(dax, { kind: 'backtest', datasetKey: 'dax', strategy: spec, config: { ...closeConfig, fee: 0.5 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResearchInputError);
    expect((error as ResearchInputError).field).toMatch(/fee/);
    // The same message as in this thread.
    let here = '';
    try {
      runTask(
        { kind: 'backtest', datasetKey: 'dax', strategy: spec, config: { ...closeConfig, fee: 0.5 } },
        dax,
      );
    } catch (e) {
      here = (e as Error).message;
    }
    expect((error as Error).message).toBe(here);
  });

  it('cancels a long sweep by terminating its threads', async () => {
    const p = threadPool(2);
    const bars = walkBars(200_000, 3);
    const controller = new AbortController();
    const started = Date.now();
    const combos = Array.from({ length: 400 }, (_, k) => ({ fast: 5 + (k % 20), slow: 50 + k }));
    const sweep = p.sweep(bars, 'walk', spec, closeConfig, combos, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(sweep).rejects.toBeInstanceOf(CancelledError);
    // 400 backtests of 200k bars take several seconds: it stopped long before.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(made.every((w) => w.threadId === null)).toBe(true);
    // The pool makes fresh threads for the next job.
    const cells = await p.sweep(dax, 'dax', spec, closeConfig, plan.combos.slice(0, 3));
    expect(cells.length).toBe(3);
  });
});
