import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobProgress, MonteCarloRequest, SweepRequest, WalkForwardRequest } from '../api.js';
import { monteCarlo } from '../analysis/monte-carlo.js';
import { runBacktest } from '../backtest/engine.js';
import type { Bars } from '../backtest/types.js';
import type { PoolWorker } from '../pool/pool.js';
import type { PoolTask, PoolTaskResult } from '../pool/tasks.js';
import { resolveStrategy } from '../strategies/registry.js';
import type { StrategySpec } from '../strategies/spec.js';
import { asData } from './research-errors.js';
import { config, csvOf, freshService, hour, InProcessPoolWorker, t0, walkRows } from './test-support.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** Two services over equal data: one runs everything in this thread, one on in-process pool workers. */
async function pair(rows = walkRows(600, 21)) {
  const workers: InProcessPoolWorker[] = [];
  const here = freshService();
  const pooled = freshService({
    poolWorker: () => {
      const w = new InProcessPoolWorker();
      workers.push(w);
      return w;
    },
    pooledBacktestBars: 0,
  });
  open.push(here, pooled);
  const text = csvOf(rows);
  const a = await here.service.importCsv(text, { name: 'walk' });
  const b = await pooled.service.importCsv(text, { name: 'walk' });
  if (!a.ok || !b.ok) throw new Error('test CSV did not import');
  // Same ids in both (each service counts its own), so requests can be shared.
  expect(a.dataset.id).toBe(b.dataset.id);
  const bars = await here.service.bars(a.dataset.id);
  return { here: here.service, pooled: pooled.service, datasetId: a.dataset.id, workers, bars };
}

const smaCross = { kind: 'builtin', id: 'sma-cross', params: { fast: 5, slow: 20 } } satisfies StrategySpec;

async function rejection(work: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await asData(work);
  } catch (e) {
    return e as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

function sequentialMetrics(bars: Bars, params: Array<{ fast: number; slow: number }>) {
  return params.map((p) => {
    const { strategy, params: resolved } = resolveStrategy({ ...smaCross, params: p });
    return runBacktest(bars, strategy, resolved, config).metrics;
  });
}

describe('sweep', () => {
  const request = (datasetId: string): SweepRequest => ({
    datasetId,
    strategy: smaCross,
    config,
    axes: [
      { param: 'fast', from: 3, to: 9, step: 2 },
      { param: 'slow', values: [20, 30] },
    ],
    objective: 'sharpe',
    workers: 2,
  });

  it('on a pool of two workers equals the same backtests run one after another', async () => {
    const { pooled, datasetId, workers, bars } = await pair();
    const seen: JobProgress[] = [];
    const result = await pooled.sweep(request(datasetId), 'sweep', (p) => seen.push(p));
    const grid = [3, 5, 7, 9].flatMap((fast) => [20, 30].map((slow) => ({ fast, slow })));
    expect(result.cells.map((c) => c.params)).toEqual(grid);
    expect(result.cells.map((c) => c.metrics)).toEqual(sequentialMetrics(bars, grid));
    const sharpes = result.cells.map((c) => c.metrics.sharpe);
    expect(result.best).toBe(sharpes.indexOf(Math.max(...sharpes)));
    expect(result.axes).toEqual([
      { param: 'fast', values: [3, 5, 7, 9] },
      { param: 'slow', values: [20, 30] },
    ]);
    expect(result.workers).toBe(2);
    // Each worker got the bars once, however many chunks it ran.
    expect(workers).toHaveLength(2);
    for (const w of workers) expect(w.loads).toEqual([datasetId]);
    expect(workers.reduce((n, w) => n + w.runs.length, 0)).toBeGreaterThan(2);
    expect(seen.at(-1)).toEqual({ done: 8, total: 8, stage: 'Sweep' });
  });

  it('in this thread gives the same cells as on the pool', async () => {
    const { here, pooled, datasetId } = await pair();
    const a = await here.sweep(request(datasetId), 'a');
    const b = await pooled.sweep(request(datasetId), 'b');
    expect(a.cells).toEqual(b.cells);
    expect(a.best).toBe(b.best);
    expect(a.deflatedSharpe).toEqual(b.deflatedSharpe);
    expect(a.workers).toBe(1);
  });

  it('estimates before it starts, and refuses to start a sweep the estimate refuses', async () => {
    const { pooled, datasetId } = await pair();
    const estimate = await pooled.estimateSweep(request(datasetId));
    expect(estimate).toMatchObject({ combinations: 8, ok: true, message: null });
    // Eight workers cost more than two: the estimate counts the workers it would use.
    const wide = await pooled.estimateSweep({ ...request(datasetId), workers: 50 });
    expect(wide.bytes).toBeGreaterThan(estimate.bytes);

    // Every combination has fast >= slow, which sma-cross refuses: nothing is left to run.
    const empty: SweepRequest = { ...request(datasetId), axes: [{ param: 'fast', values: [30, 40] }] };
    const refusal = await pooled.estimateSweep(empty);
    expect(refusal.ok).toBe(false);
    const error = await rejection(() => pooled.sweep(empty, 'empty'));
    expect(error).toMatchObject({ code: 'invalid', message: refusal.message, details: { field: 'axes' } });
  });

  it('refuses bad axes, objectives and worker counts with their fields', async () => {
    const { pooled, datasetId } = await pair();
    const unknown = await rejection(() =>
      pooled.sweep({ ...request(datasetId), axes: [{ param: 'speed', values: [1] }] }, 'a'),
    );
    expect(unknown).toMatchObject({ code: 'invalid', details: { field: 'axes[0].param' } });
    const objective = await rejection(() =>
      pooled.sweep({ ...request(datasetId), objective: 'profit' as never }, 'b'),
    );
    expect(objective).toMatchObject({ code: 'invalid', details: { field: 'objective' } });
    const workers = await rejection(() => pooled.sweep({ ...request(datasetId), workers: 0 }, 'c'));
    expect(workers).toMatchObject({ code: 'invalid', details: { field: 'workers' } });
  });
});

describe('walk-forward', () => {
  const request = (datasetId: string, from: number | null = null): WalkForwardRequest => ({
    datasetId,
    from,
    strategy: smaCross,
    config,
    mode: 'rolling',
    inSample: 150,
    outOfSample: 60,
    axes: [
      { param: 'fast', values: [3, 5, 8] },
      { param: 'slow', values: [20, 25] },
    ],
    objective: 'sharpe',
  });

  it('on the pool equals the same walk-forward in this thread, also over part of the data', async () => {
    const { here, pooled, datasetId } = await pair();
    for (const from of [null, t0 + 70 * hour]) {
      const a = await here.walkForward(request(datasetId, from), `here-${from}`);
      const b = await pooled.walkForward(request(datasetId, from), `pool-${from}`);
      expect(b.windows).toEqual(a.windows);
      expect(Array.from(b.equity)).toEqual(Array.from(a.equity));
      expect(b.metrics).toEqual(a.metrics);
      expect(a.windows.length).toBe(from === null ? 7 : 6);
      expect(a.windows[0]!.inSample.from).toBe(from ?? t0);
    }
  });

  it('refuses in-sample windows shorter than the warm-up, naming the field', async () => {
    const { pooled, datasetId } = await pair();
    const error = await rejection(() => pooled.walkForward({ ...request(datasetId), inSample: 10 }, 'wf'));
    expect(error).toMatchObject({ code: 'invalid', details: { field: 'inSample' } });
  });
});

describe('single tasks on the pool', () => {
  it('backtest: equal to this thread, with the task progress reaching the page', async () => {
    const { here, pooled, datasetId, workers } = await pair();
    const r = { datasetId, strategy: smaCross, config };
    const seen: JobProgress[] = [];
    const a = await here.backtest(r, 'a');
    const b = await pooled.backtest(r, 'b', (p) => seen.push(p));
    expect(b).toEqual(a);
    expect(workers.flatMap((w) => w.runs)).toEqual(['backtest']);
    expect(seen.at(-1)).toEqual({ done: 600, total: 600, stage: 'Backtest' });
  });

  it('Monte Carlo: equal to monteCarlo over runBacktest, here and on the pool', async () => {
    const { here, pooled, datasetId, bars } = await pair();
    const r: MonteCarloRequest = {
      datasetId,
      strategy: smaCross,
      config,
      runs: 200,
      method: 'bars',
      seed: 7,
    };
    const a = await here.monteCarlo(r, 'a');
    const { strategy, params } = resolveStrategy(smaCross);
    expect(a).toEqual(
      monteCarlo(runBacktest(bars, strategy, params, config), { runs: 200, method: 'bars', seed: 7 }),
    );
    expect(await pooled.monteCarlo(r, 'b')).toEqual(a);
    const bad = await rejection(() => pooled.monteCarlo({ ...r, runs: 0 }, 'c'));
    expect(bad).toMatchObject({ code: 'invalid', details: { field: 'runs' } });
  });

  it('lookahead: the built-in passes, here and on the pool alike', async () => {
    const { here, pooled, datasetId } = await pair();
    const r = { datasetId, strategy: smaCross, config };
    const a = await here.lookahead(r, 'a');
    expect(a.ok).toBe(true);
    expect(a.checked).toBeGreaterThan(0);
    expect(await pooled.lookahead(r, 'b')).toEqual(a);
  });

  it('cancel stops a pool job by cancelling its worker, and the job rejects with cancelled', async () => {
    const stuck: StuckWorker[] = [];
    const s = freshService({
      poolWorker: () => {
        const w = new StuckWorker();
        stuck.push(w);
        return w;
      },
      pooledBacktestBars: 0,
    });
    open.push(s);
    const imported = await s.service.importCsv(csvOf(walkRows(100, 22)), { name: 'x' });
    if (!imported.ok) throw new Error('did not import');
    const job = s.service.backtest({ datasetId: imported.dataset.id, strategy: smaCross, config }, 'stuck');
    const outcome = rejection(() => job);
    while (stuck.length === 0 || !stuck[0]!.running) await new Promise((r) => setTimeout(r, 1));
    await s.service.cancel('stuck');
    expect(await outcome).toMatchObject({ code: 'cancelled' });
    expect(stuck[0]!.cancelled).toBe(true);
  });
});

/** A pool worker whose task never ends by itself, like a long synchronous run in a real worker. */
class StuckWorker implements PoolWorker {
  running = false;
  cancelled = false;
  async load(): Promise<void> {}
  run(_task: PoolTask): Promise<PoolTaskResult> {
    this.running = true;
    return new Promise(() => {});
  }
  cancel(): void {
    this.cancelled = true;
  }
  terminate(): void {}
}
