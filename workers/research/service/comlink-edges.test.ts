import 'fake-indexeddb/auto';
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobProgress, ResearchApi } from '../api.js';
import { WorkerPool } from '../pool/pool.js';
import { runTask, type PoolTask } from '../pool/tasks.js';
import type { StrategySpec } from '../strategies/spec.js';
import { comlinkPoolWorker, type WorkerHandle } from './comlink-pool-worker.js';
import { poolEndpoint } from './pool-endpoint.js';
import { researchWorkerApi } from './research-edge.js';
import { config, csvOf, freshService, longWalkBars, walkRows } from './test-support.js';

// The workers' comlink edges over real MessageChannels: what crosses (typed arrays, errors as data,
// progress through proxies) is what a browser worker would send.
const ports: MessagePort[] = [];
const services: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const p of ports.splice(0)) p.close();
  for (const s of services.splice(0)) await s.close();
});

function channel(): { inside: MessagePort; outside: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  return { inside: port1, outside: port2 };
}

/** A pool worker whose "thread" is the other end of a MessageChannel in this process. */
function channelWorker(): WorkerHandle & { terminated: boolean } {
  const { inside, outside } = channel();
  Comlink.expose(
    poolEndpoint(runTask, () => performance.now()),
    inside as unknown as Comlink.Endpoint,
  );
  const handle = Object.assign(outside, {
    terminated: false,
    terminate() {
      handle.terminated = true;
      outside.close();
    },
  });
  return handle as unknown as WorkerHandle & { terminated: boolean };
}

const spec: StrategySpec = { kind: 'builtin', id: 'sma-cross', params: { fast: 5, slow: 20 } };

describe('pool worker edge', () => {
  it('runs tasks through comlink with results equal to running them here', async () => {
    const bars = longWalkBars(3000, 31);
    const pool = new WorkerPool(2, () => comlinkPoolWorker(channelWorker()));
    const combos = [3, 4, 5, 6, 7].map((fast) => ({ fast, slow: 30 }));
    const progress: number[] = [];
    const cells = await pool.sweep(bars, 'walk', spec, config, combos, {
      onProgress: (d) => progress.push(d),
    });
    const task: PoolTask = { kind: 'sweep', datasetKey: 'walk', strategy: spec, config, combos };
    const here = runTask(task, bars);
    expect(here.kind === 'sweep' && cells).toEqual(here.kind === 'sweep' && here.cells);
    expect(progress.at(-1)).toBe(5);

    const backtest: PoolTask = { kind: 'backtest', datasetKey: 'walk', strategy: spec, config };
    const remote = await pool.run(bars, backtest);
    const local = runTask(backtest, bars);
    expect(remote).toEqual(local);
    if (remote.kind === 'backtest') expect(remote.result.equity).toBeInstanceOf(Float64Array);
    pool.close();
  });

  it('sends bad input back as EngineError data with its field', async () => {
    const worker = comlinkPoolWorker(channelWorker());
    const bars = longWalkBars(100, 32);
    await worker.load('walk', bars);
    const bad: PoolTask = {
      kind: 'monte-carlo',
      datasetKey: 'walk',
      strategy: spec,
      config,
      runs: -1,
      method: 'bars',
      seed: 1,
    };
    await expect(worker.run(bad, () => {})).rejects.toMatchObject({
      code: 'invalid',
      details: { field: 'runs' },
    });
    const unloaded: PoolTask = { kind: 'backtest', datasetKey: 'other', strategy: spec, config };
    await expect(worker.run(unloaded, () => {})).rejects.toMatchObject({ code: 'internal' });
    worker.terminate();
  });

  it('fails the call in flight when the worker dies instead of waiting for ever', async () => {
    const target = new EventTarget();
    const silent: WorkerHandle = {
      postMessage: () => {},
      addEventListener: (type, listener) => target.addEventListener(type, listener),
      terminate: () => {},
    };
    const worker = comlinkPoolWorker(silent);
    const pending = worker.load('walk', longWalkBars(10, 33));
    target.dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }));
    await expect(pending).rejects.toThrow(/stopped: out of memory/);
  });
});

describe('research worker edge', () => {
  async function remoteService() {
    const s = freshService();
    services.push(s);
    const { inside, outside } = channel();
    Comlink.expose(researchWorkerApi(s.service), inside as unknown as Comlink.Endpoint);
    const remote = Comlink.wrap<ResearchApi>(outside as unknown as Comlink.Endpoint);
    const imported = await remote.importCsv(csvOf(walkRows(300, 34)), { name: 'walk' });
    if (!imported.ok) throw new Error('did not import');
    return { remote, service: s.service, datasetId: imported.dataset.id };
  }

  it('returns reports with typed arrays and reports progress through a proxy', async () => {
    const { remote, service, datasetId } = await remoteService();
    const seen: JobProgress[] = [];
    const report = await remote.backtest(
      { datasetId, strategy: spec, config },
      'job',
      Comlink.proxy((p: JobProgress) => void seen.push(p)),
    );
    const local = await service.backtest({ datasetId, strategy: spec, config }, 'local');
    expect(report).toEqual(local);
    expect(report.result.equity).toBeInstanceOf(Float64Array);
    // Progress messages may arrive just after the answer.
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.at(-1)).toEqual({ done: 300, total: 300, stage: 'Backtest' });
    const bars = await remote.bars(datasetId);
    expect(bars.close).toEqual(local.close);
  });

  it('rejects with EngineError data, not an Error that lost its field', async () => {
    const { remote, datasetId } = await remoteService();
    const failure = await remote
      .backtest({ datasetId, strategy: { ...spec, params: { fast: 0 } }, config }, 'bad')
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(failure).not.toBeInstanceOf(Error);
    expect(failure).toMatchObject({ code: 'invalid', details: { field: 'params.fast' } });
    await expect(remote.bars('missing')).rejects.toMatchObject({ code: 'not-found' });
  });
});
