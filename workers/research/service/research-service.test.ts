import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { BacktestRequest, JobProgress } from '../api.js';
import { runBacktest } from '../backtest/engine.js';
import type { Bars } from '../backtest/types.js';
import { sliceBars } from '../data/bars.js';
import { parseBarsCsv } from '../data/csv-bars.js';
import { resolveStrategy } from '../strategies/registry.js';
import type { StrategySpec } from '../strategies/spec.js';
import { summaryCacheKey } from './dataset-store.js';
import { maxImportRows } from './csv-import-checks.js';
import { asData } from './research-errors.js';
import { config, csvOf, freshService, hour, longWalkBars, t0, walkRows } from './test-support.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

function setup(...args: Parameters<typeof freshService>) {
  const s = freshService(...args);
  open.push(s);
  return s;
}

const smaCross: StrategySpec = { kind: 'builtin', id: 'sma-cross', params: { fast: 5, slow: 20 } };

function parsed(text: string): Bars {
  const result = parseBarsCsv(text);
  if (!result.ok) throw new Error(`test CSV did not parse: ${JSON.stringify(result.problems)}`);
  return result.bars;
}

async function imported(service: ReturnType<typeof setup>['service'], text: string, name = 'walk') {
  const result = await service.importCsv(text, { name });
  if (!result.ok) throw new Error(`import failed: ${JSON.stringify(result.problems)}`);
  return result.dataset;
}

/** What a call rejected with, as the page would receive it (through the worker's error mapping). */
async function rejection(work: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await asData(work);
  } catch (e) {
    return e as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

describe('datasets', () => {
  it('imports a CSV and lists it newest first, with its summary', async () => {
    const { service } = setup();
    const rows = walkRows(300, 1);
    const first = await service.importCsv(csvOf(rows), { name: '  BTC hourly  ' });
    const second = await service.importCsv(csvOf(rows.slice(0, 120)), { name: 'short' });
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(first.dataset).toMatchObject({
      name: 'BTC hourly',
      source: 'csv',
      bars: 300,
      first: rows[0]!.time,
      last: rows[299]!.time,
      closeOnly: false,
    });
    expect(first.fixed).toBeNull();
    const list = await service.datasets();
    expect(list.map((d) => d.id)).toEqual([second.dataset.id, first.dataset.id]);
    expect(list[1]).toEqual(first.dataset);
    expect(list[0]!.bars).toBe(120);
  });

  it('returns the bars exactly as the CSV had them', async () => {
    const { service } = setup();
    const text = csvOf(walkRows(500, 2));
    const dataset = await imported(service, text);
    const stored = await service.bars(dataset.id);
    const expected = parsed(text);
    expect(stored.closeOnly).toBe(false);
    for (const column of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
      expect(stored[column]).toBeInstanceOf(Float64Array);
      expect(Array.from(stored[column])).toEqual(Array.from(expected[column]));
    }
  });

  it('refuses a bad CSV with its problems and writes nothing', async () => {
    const { service, db } = setup();
    const rows = walkRows(50, 3);
    const lines = csvOf(rows).split('\n');
    lines[7] = lines[7]!.replace(/,[\d.]+,/, ',abc,');
    const result = await service.importCsv(lines.join('\n'), { name: 'broken' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fixable).toBeNull();
    expect(result.problems).toContainEqual(expect.objectContaining({ row: 8, column: 'open' }));
    expect(await db.datasets.count()).toBe(0);
    expect(await db.settings.get(summaryCacheKey)).toBeUndefined();
    expect(await service.datasets()).toEqual([]);
  });

  it('refuses a missing or too long name as a problem, even for a good file', async () => {
    const { service, db } = setup();
    const text = csvOf(walkRows(30, 4));
    for (const name of ['   ', 'x'.repeat(81)]) {
      const result = await service.importCsv(text, { name });
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]!.message).toMatch(/80/);
    }
    expect(await db.datasets.count()).toBe(0);
    expect((await service.importCsv(text, { name: 'x'.repeat(80) })).ok).toBe(true);
  });

  it('offers to fix rows out of order, then imports them sorted with fixOrder', async () => {
    const { service, db } = setup();
    const rows = walkRows(40, 5);
    const shuffled = [...rows];
    [shuffled[10], shuffled[11]] = [shuffled[11]!, shuffled[10]!];
    shuffled.splice(20, 0, { ...rows[25]!, close: rows[25]!.close });
    const text = csvOf(shuffled);

    const refused = await service.importCsv(text, { name: 'unsorted' });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.fixable).not.toBeNull();
    expect(refused.fixable!.duplicates).toBe(1);
    expect(refused.fixable!.outOfOrder).toBeGreaterThan(0);
    expect(await db.datasets.count()).toBe(0);

    const fixed = await service.importCsv(text, { name: 'unsorted', fixOrder: true });
    expect(fixed.ok).toBe(true);
    if (!fixed.ok) return;
    expect(fixed.fixed).toEqual({ reordered: refused.fixable!.outOfOrder, duplicatesDropped: 1 });
    const bars = await service.bars(fixed.dataset.id);
    expect(Array.from(bars.time)).toEqual(rows.map((r) => r.time));
    expect(Array.from(bars.close)).toEqual(rows.map((r) => r.close));
  });

  it('refuses a file of more rows than it imports before parsing it', async () => {
    const { service, db } = setup();
    const text = 'time,close\n' + '1,2\n'.repeat(maxImportRows + 1);
    const result = await service.importCsv(text, { name: 'huge' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]!.message).toContain('2,000,000');
    expect(await db.datasets.count()).toBe(0);
  });

  it('deletes a dataset: gone from the list, its bars a not-found error', async () => {
    const { service } = setup();
    const keep = await imported(service, csvOf(walkRows(30, 6)), 'keep');
    const drop = await imported(service, csvOf(walkRows(30, 7)), 'drop');
    await service.deleteDataset(drop.id);
    expect((await service.datasets()).map((d) => d.id)).toEqual([keep.id]);
    const error = await rejection(() => service.bars(drop.id));
    expect(error).toMatchObject({ code: 'not-found', details: { field: 'datasetId' } });
  });

  it('lists rows written by others (downloaded history) and forgets rows deleted by others', async () => {
    const { service, db } = setup();
    const mine = await imported(service, csvOf(walkRows(30, 8)));
    const bars = longWalkBars(100, 9);
    await db.datasets.put({
      id: 'download-1',
      name: 'BTC/USDT 1h',
      source: 'exchange',
      exchange: 'binance',
      symbol: 'BTC/USDT',
      timeframe: '1h',
      bars: 100,
      first: bars.time[0]!,
      last: bars.time[99]!,
      createdAt: Date.UTC(2030, 0, 1),
      ...bars,
    });
    const list = await service.datasets();
    expect(list.map((d) => d.id)).toEqual(['download-1', mine.id]);
    expect(list[0]).toMatchObject({ source: 'exchange', symbol: 'BTC/USDT', bars: 100 });
    expect(list[0]).not.toHaveProperty('close');

    await db.datasets.delete(mine.id);
    expect((await service.datasets()).map((d) => d.id)).toEqual(['download-1']);
  });

  it('reads a row only the first time it lists it, and after that only the summaries', async () => {
    const { service, db } = setup();
    await imported(service, csvOf(walkRows(30, 10)));
    await db.datasets.put({
      id: 'other',
      name: 'other',
      source: 'csv',
      ...longWalkBars(10, 11),
      bars: 10,
      first: 0,
      last: 1,
      createdAt: 5,
    });
    const table = db.datasets;
    const reads = { get: 0, toArray: 0 };
    const get = table.get.bind(table);
    const toArray = table.toArray.bind(table);
    table.get = ((...a: Parameters<typeof get>) => (reads.get++, get(...a))) as typeof table.get;
    table.toArray = ((...a: Parameters<typeof toArray>) => (
      reads.toArray++,
      toArray(...a)
    )) as typeof table.toArray;
    expect(await service.datasets()).toHaveLength(2);
    expect(reads).toEqual({ get: 1, toArray: 0 });
    reads.get = 0;
    expect(await service.datasets()).toHaveLength(2);
    expect(reads).toEqual({ get: 0, toArray: 0 });
  });
});

describe('backtest', () => {
  it('over a stored dataset equals runBacktest over the parsed bars', async () => {
    const { service } = setup();
    const text = csvOf(walkRows(800, 12));
    const dataset = await imported(service, text);
    const report = await service.backtest({ datasetId: dataset.id, strategy: smaCross, config }, 'job-1');
    const { strategy, params } = resolveStrategy(smaCross);
    const bars = parsed(text);
    const direct = runBacktest(bars, strategy, params, config, { overlays: true });
    const { overlays, ...expected } = direct;
    expect(report.result).toEqual(expected);
    expect(report.result.trades.length).toBeGreaterThan(0);
    expect(report.overlays).toEqual(overlays);
    expect(Object.keys(report.overlays).length).toBeGreaterThan(0);
    expect(Array.from(report.close)).toEqual(Array.from(bars.close));
    expect(report.dataset).toEqual(dataset);
  });

  it('runs only the bars from `from` to `to`, both inclusive', async () => {
    const { service } = setup();
    const text = csvOf(walkRows(600, 13));
    const dataset = await imported(service, text);
    const from = t0 + 100 * hour;
    const to = t0 + 399 * hour;
    const report = await service.backtest(
      { datasetId: dataset.id, from, to, strategy: smaCross, config },
      'job',
    );
    // Bars 100 to 399 (hourly from t0), both ends included.
    const sliced = sliceBars(parsed(text), 100, 400);
    expect(sliced.time.length).toBe(300);
    const { strategy, params } = resolveStrategy(smaCross);
    const { overlays: _o, ...expected } = runBacktest(sliced, strategy, params, config, { overlays: true });
    expect(report.result).toEqual(expected);
    expect(report.result.time[0]).toBe(from);
    expect(report.result.time[299]).toBe(to);
    expect(Array.from(report.close)).toEqual(Array.from(sliced.close));

    // An open start: everything up to `to`.
    const head = await service.backtest(
      { datasetId: dataset.id, from: null, to, strategy: smaCross, config },
      'j2',
    );
    expect(head.result.time.length).toBe(400);
  });

  it('refuses a range with no bars, or one that ends before it starts, naming the field', async () => {
    const { service } = setup();
    const dataset = await imported(service, csvOf(walkRows(100, 14)));
    const base: BacktestRequest = { datasetId: dataset.id, strategy: smaCross, config };
    const late = await rejection(() => service.backtest({ ...base, from: t0 + 1000 * hour }, 'a'));
    expect(late).toMatchObject({ code: 'invalid', details: { field: 'from' } });
    expect(String(late.message)).toContain('2024-01-01');
    const swapped = await rejection(() => service.backtest({ ...base, from: t0 + 50 * hour, to: t0 }, 'b'));
    expect(swapped).toMatchObject({ code: 'invalid', details: { field: 'to' } });
  });

  it('gives an invalid strategy param as an invalid EngineError with its field', async () => {
    const { service } = setup();
    const dataset = await imported(service, csvOf(walkRows(100, 15)));
    const bad = await rejection(() =>
      service.backtest(
        {
          datasetId: dataset.id,
          strategy: { kind: 'builtin', id: 'sma-cross', params: { fast: 0 } },
          config,
        },
        'a',
      ),
    );
    expect(bad).toMatchObject({ code: 'invalid', retryable: false, details: { field: 'params.fast' } });
    expect(String(bad.message)).toMatch(/fast/);
    const crossed = await rejection(() =>
      service.backtest(
        { datasetId: dataset.id, strategy: { ...smaCross, params: { fast: 30, slow: 20 } }, config },
        'b',
      ),
    );
    expect(crossed).toMatchObject({ code: 'invalid', details: { field: 'params.fast' } });
    const fee = await rejection(() =>
      service.backtest({ datasetId: dataset.id, strategy: smaCross, config: { ...config, fee: 0.5 } }, 'c'),
    );
    expect(fee).toMatchObject({ code: 'invalid', details: { field: 'config.fee' } });
  });

  it('rejects with cancelled when cancelled from its own progress, and frees the job id', async () => {
    const { service, db } = setup();
    const bars = longWalkBars(400_000, 16);
    await db.datasets.put({
      id: 'long',
      name: 'long',
      source: 'csv',
      bars: 400_000,
      first: 0,
      last: 1,
      createdAt: 1,
      ...bars,
    });
    const request: BacktestRequest = { datasetId: 'long', strategy: smaCross, config };
    const seen: JobProgress[] = [];
    const error = await rejection(() =>
      service.backtest(request, 'long-job', (p) => {
        seen.push(p);
        if (p.stage === 'Backtest') void service.cancel('long-job');
      }),
    );
    expect(error).toMatchObject({ code: 'cancelled' });
    const backtestEvents = seen.filter((p) => p.stage === 'Backtest');
    expect(backtestEvents).toHaveLength(1);
    expect(backtestEvents[0]!.done).toBeLessThan(backtestEvents[0]!.total);
    // The same id can run again once the cancelled job has ended.
    const report = await service.backtest({ ...request, to: 500 * hour + t0 }, 'long-job');
    expect(report.result.time.length).toBe(501);
  });

  it('refuses a second job with an id that is running', async () => {
    const { service } = setup();
    const dataset = await imported(service, csvOf(walkRows(100, 17)));
    const request: BacktestRequest = { datasetId: dataset.id, strategy: smaCross, config };
    const first = service.backtest(request, 'same');
    const second = await rejection(() => service.backtest(request, 'same'));
    expect(second).toMatchObject({ code: 'invalid', details: { field: 'jobId' } });
    await expect(first).resolves.toBeDefined();
  });
});
