import os from 'node:os';
import { sweepCells } from '../workers/research/analysis/sweep-cells.js';
import type { BacktestConfig, Bars, Params } from '../workers/research/backtest/types.js';
import { nodeWorkerPool } from '../workers/research/pool/node-pool.js';
import type { SweepCellDraft } from '../workers/research/pool/tasks.js';
import type { StrategySpec } from '../workers/research/strategies/spec.js';
import { mulberry32 } from './random.js';

/**
 * How a sweep scales with worker threads: the same sma-cross grid over the same random-walk bars, run by
 * the worker pool on 1, 2 (and every core, when there are more) Node worker threads, and as the peer
 * sequentially in this thread, the floor the pool's overhead (threads, copying bars, messages) is
 * measured against. Each pool size runs the sweep twice: cold (starting the threads and loading the
 * bars, what a user waits for the first time) and warm (threads and bars in place).
 */
export interface SweepScalingOptions {
  bars: number;
  combos: number;
  seed: number;
}

const spec: StrategySpec = { kind: 'builtin', id: 'sma-cross', params: {} };
const config: BacktestConfig = {
  capital: 10_000,
  fee: 0.001,
  slippage: { model: 'none' },
  execution: 'close',
  periodsPerYear: 365,
};

function randomWalk(n: number, seed: number): Bars {
  const rand = mulberry32(seed);
  const close = new Float64Array(n);
  let price = 100;
  for (let i = 0; i < n; i++) {
    price *= 1 + (rand() - 0.5) * 0.02;
    close[i] = price;
  }
  return {
    time: Float64Array.from({ length: n }, (_, i) => 1_600_000_000_000 + i * 60_000),
    open: close.slice(),
    high: close.slice(),
    low: close.slice(),
    close,
    volume: new Float64Array(n),
    closeOnly: true,
  };
}

/** A grid of `count` valid combinations: fast 2..41 against slow from 50 in steps of 5. */
function grid(count: number): Params[] {
  return Array.from({ length: count }, (_, k) => ({ fast: 2 + (k % 40), slow: 50 + 5 * Math.floor(k / 40) }));
}

function sameCells(a: SweepCellDraft[], b: SweepCellDraft[]): boolean {
  return a.length === b.length && a.every((c, i) => c.metrics.final_equity === b[i]?.metrics.final_equity);
}

export async function benchSweepScaling(o: SweepScalingOptions): Promise<Record<string, unknown>> {
  const bars = randomWalk(o.bars, o.seed);
  const combos = grid(o.combos);
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const sizes = [...new Set([1, 2, cores])].sort((a, b) => a - b);
  const sec = (ms: number) => Number((ms / 1000).toFixed(3));
  const rate = (ms: number) => Math.round((combos.length / ms) * 1000);

  // The peer, after a short warm-up so the JIT has compiled the backtest loop.
  sweepCells(bars, spec, config, combos.slice(0, 3));
  const t0 = performance.now();
  const reference = sweepCells(bars, spec, config, combos);
  const sequentialMs = performance.now() - t0;

  const runs: Record<string, unknown>[] = [];
  let oneWorkerWarmMs = NaN;
  for (const size of sizes) {
    const pool = nodeWorkerPool(size);
    try {
      const c0 = performance.now();
      const cold = await pool.sweep(bars, 'bench', spec, config, combos);
      const coldMs = performance.now() - c0;
      const w0 = performance.now();
      const warm = await pool.sweep(bars, 'bench', spec, config, combos);
      const warmMs = performance.now() - w0;
      if (!sameCells(cold, reference) || !sameCells(warm, reference))
        throw new Error(
          `the pool of ${size} gave different cells than the sequential sweep: the benchmark is invalid`,
        );
      if (size === 1) oneWorkerWarmMs = warmMs;
      runs.push({
        workers: size,
        coldSeconds: sec(coldMs),
        warmSeconds: sec(warmMs),
        backtestsPerSecond: rate(warmMs),
        speedupVsOneWorker: Number((oneWorkerWarmMs / warmMs).toFixed(2)),
        speedupVsSequential: Number((sequentialMs / warmMs).toFixed(2)),
      });
    } finally {
      pool.close();
    }
  }
  return {
    name: 'sweep-scaling',
    unit: 'seconds of wall time for the whole sweep',
    params: {
      ...o,
      strategy: 'sma-cross',
      cores,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
    },
    peer: {
      name: 'the same sweep, sequential in this thread',
      seconds: sec(sequentialMs),
      backtestsPerSecond: rate(sequentialMs),
    },
    pool: runs,
  };
}
