import type { BacktestConfig, Bars } from '../backtest/types.js';
import type { PoolWorker } from '../pool/pool.js';
import { runTask, type PoolTask, type PoolTaskResult } from '../pool/tasks.js';
import { LyraDb } from '../../store/db.js';
import { ResearchService, type ResearchServiceDeps } from './research-service.js';

export const hour = 3_600_000;
export const t0 = Date.UTC(2024, 0, 1);

export const config: BacktestConfig = {
  capital: 10_000,
  fee: 0.001,
  slippage: { model: 'none' },
  execution: 'close',
  periodsPerYear: null,
};

/** A small seeded generator (mulberry32), so every test's bars are the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CsvRow {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Hourly OHLCV rows of a random walk with prices of two decimals (as a CSV would have them). */
export function walkRows(n: number, seed: number): CsvRow[] {
  const rand = seeded(seed);
  const rows: CsvRow[] = [];
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = round2(price * (1 + (rand() - 0.5) * 0.004));
    const close = round2(open * (1 + (rand() - 0.5) * 0.03));
    const high = round2(Math.max(open, close) * (1 + rand() * 0.005) + 0.01);
    const low = round2(Math.min(open, close) * (1 - rand() * 0.005) - 0.01);
    rows.push({ time: t0 + i * hour, open, high, low, close, volume: Math.round(rand() * 1000) });
    price = close;
  }
  return rows;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function csvOf(rows: readonly CsvRow[]): string {
  const lines = rows.map(
    (r) => `${new Date(r.time).toISOString()},${r.open},${r.high},${r.low},${r.close},${r.volume}`,
  );
  return ['time,open,high,low,close,volume', ...lines].join('\n') + '\n';
}

/** Close-only bars of a long random walk, built in memory (a CSV of millions of rows is slow to make). */
export function longWalkBars(n: number, seed: number): Bars {
  const rand = seeded(seed);
  const close = new Float64Array(n);
  let price = 100;
  for (let i = 0; i < n; i++) {
    price *= 1 + (rand() - 0.5) * 0.02;
    close[i] = price;
  }
  return {
    time: Float64Array.from(close, (_, i) => t0 + i * hour),
    open: close.slice(),
    high: close.slice(),
    low: close.slice(),
    close,
    volume: new Float64Array(n),
    closeOnly: true,
  };
}

/**
 * An in-process stand-in for a browser pool worker (unit tests only): it keeps its own copy of the
 * loaded bars, as a real worker would, and runs each task with `runTask` after yielding once.
 */
export class InProcessPoolWorker implements PoolWorker {
  loads: string[] = [];
  runs: PoolTask['kind'][] = [];
  terminated = false;
  private loaded: { key: string; bars: Bars } | null = null;

  async load(datasetKey: string, bars: Bars): Promise<void> {
    await Promise.resolve();
    this.loads.push(datasetKey);
    this.loaded = { key: datasetKey, bars: structuredClone(bars) };
  }

  async run(task: PoolTask, onProgress: (done: number, total: number) => void): Promise<PoolTaskResult> {
    await Promise.resolve();
    if (this.terminated) throw new Error('terminated');
    if (!this.loaded || this.loaded.key !== task.datasetKey)
      throw new Error(`${task.datasetKey} is not loaded`);
    this.runs.push(task.kind);
    return runTask(structuredClone(task), this.loaded.bars, { onProgress });
  }

  cancel(): void {
    this.terminated = true;
  }

  terminate(): void {
    this.terminated = true;
  }
}

let dbCount = 0;

/** A service over a fresh fake-indexeddb database; `close` deletes it. */
export function freshService(overrides: Partial<ResearchServiceDeps> = {}) {
  const db = new LyraDb(`research-service-${dbCount++}`);
  let ids = 0;
  let clock = t0;
  const service = new ResearchService({
    db,
    poolWorker: null,
    cores: 2,
    now: () => clock++,
    id: () => `ds-${++ids}`,
    ...overrides,
  });
  return {
    db,
    service,
    async close() {
      service.close();
      db.close();
      await db.delete();
    },
  };
}
