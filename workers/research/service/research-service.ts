import type {
  BacktestReport,
  BacktestRequest,
  CsvImportOptions,
  CsvImportResult,
  DatasetSummary,
  IndicatorInfo,
  LookaheadResult,
  MonteCarloRequest,
  MonteCarloResult,
  Objective,
  ProgressListener,
  ResearchApi,
  StrategyInfo,
  SweepEstimate,
  SweepRequest,
  SweepResult,
  WalkForwardRequest,
  WalkForwardResult,
} from '../api.js';
import type { Bars } from '../backtest/types.js';
import { validateBacktestConfig } from '../backtest/validate-config.js';
import { estimateSweep } from '../analysis/grid.js';
import { finishSweep } from '../analysis/sweep.js';
import { planSweep, type SweepPlan } from '../analysis/sweep-plan.js';
import { inProcessEvaluator, walkForward, type WindowEvaluator } from '../analysis/walk-forward.js';
import { parseBarsCsv } from '../data/csv-bars.js';
import { sliceBars } from '../data/bars.js';
import { indicatorCatalogue } from '../indicators/catalogue.js';
import { poolWindowEvaluator } from '../pool/pool-evaluator.js';
import { WorkerPool, type PoolWorker } from '../pool/pool.js';
import { runTask, type BarRange, type PoolTask, type PoolTaskResult } from '../pool/tasks.js';
import { resolveStrategy, strategyCatalogue } from '../strategies/registry.js';
import type { LyraDb } from '../../store/db.js';
import { barRange } from './bar-range.js';
import { importOptionProblems, maxImportRows, rowLimitProblem, tooMany } from './csv-import-checks.js';
import { DatasetStore, describeBars } from './dataset-store.js';
import { JobRegistry, type Job } from './job-registry.js';
import { PoolKeeper } from './pool-keeper.js';
import { invalid } from './research-errors.js';

/** Backtests over more bars than this run on a pool worker, so cancel can stop them (terminate it). */
export const inProcessBacktestBars = 500_000;
/** A sweep uses at most this many workers, whatever the machine has. */
export const maxSweepWorkers = 8;

const objectives: readonly Objective[] = ['sharpe', 'total_return', 'cagr', 'calmar', 'sortino'];

export interface ResearchServiceDeps {
  db: LyraDb;
  /** Starts one pool worker; null where there are none (unit tests): every job then runs in this thread. */
  poolWorker: (() => PoolWorker) | null;
  /** Workers a sweep uses when it does not say (navigator.hardwareConcurrency). */
  cores: number;
  now(): number;
  id(): string;
  /** Backtests over more bars run on a pool worker (default `inProcessBacktestBars`). */
  pooledBacktestBars?: number;
  /** An idle pool is closed after this long (default 2 minutes). */
  idlePoolMs?: number;
}

interface Loaded {
  dataset: DatasetSummary;
  /** The whole dataset: pool workers keep it under the dataset id and slice per task. */
  bars: Bars;
  range: BarRange | null;
}

/**
 * Research for the page: datasets in IndexedDB, backtests, sweeps, walk-forward, Monte Carlo and the
 * lookahead check. Short work runs in this thread; sweeps, walk-forward grids, Monte Carlo, lookahead
 * checks and long backtests run on a pool of workers when there is one, which is also how cancel stops
 * them (their workers are terminated). Input is checked here first, so a bad param or config fails
 * before any worker starts, with the field it concerns.
 *
 * Every typed array this returns is made for the caller, so the worker's edge may transfer it.
 */
export class ResearchService implements ResearchApi {
  private readonly store: DatasetStore;
  private readonly jobs: JobRegistry;
  private readonly pools: PoolKeeper;
  private readonly pooledBacktestBars: number;
  // Raw progress of single-task pool jobs: the pool counts a single task as one unit of progress.
  private readonly taskProgress = new WeakMap<PoolTask, (done: number, total: number) => void>();

  constructor(private readonly deps: ResearchServiceDeps) {
    this.store = new DatasetStore(deps.db);
    this.jobs = new JobRegistry(deps.now);
    this.pooledBacktestBars = deps.pooledBacktestBars ?? inProcessBacktestBars;
    const factory = deps.poolWorker;
    this.pools = new PoolKeeper({
      create: (size) => (factory ? new WorkerPool(size, () => this.tapProgress(factory())) : null),
      defaultSize: this.defaultWorkers(),
      idleMs: deps.idlePoolMs ?? 120_000,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    });
  }

  datasets(): Promise<DatasetSummary[]> {
    return this.store.list();
  }

  async importCsv(text: string, options: CsvImportOptions): Promise<CsvImportResult> {
    const optionProblems = importOptionProblems(options);
    if (typeof text !== 'string')
      return {
        ok: false,
        problems: [{ row: null, column: null, message: 'No file text was given.' }],
        fixable: null,
        columns: [],
      };
    const limit = rowLimitProblem(text);
    if (limit) return { ok: false, problems: [...optionProblems, limit], fixable: null, columns: [] };
    const parsed = parseBarsCsv(text, {
      column: options?.column ?? null,
      fixOrder: options?.fixOrder === true,
    });
    if (!parsed.ok) {
      return {
        ok: false,
        problems: [...optionProblems, ...parsed.problems],
        // Fixing the order only helps when nothing else is wrong.
        fixable: optionProblems.length === 0 ? parsed.fixable : null,
        columns: parsed.columns,
      };
    }
    const rows = parsed.bars.time.length;
    const problems = rows > maxImportRows ? [...optionProblems, tooMany(rows)] : optionProblems;
    if (problems.length > 0) return { ok: false, problems, fixable: null, columns: parsed.columns };
    const dataset: DatasetSummary = {
      id: this.deps.id(),
      name: options.name.trim(),
      source: 'csv',
      ...describeBars(parsed.bars),
      createdAt: this.deps.now(),
    };
    await this.store.save(dataset, parsed.bars);
    return { ok: true, dataset, fixed: parsed.fixed };
  }

  deleteDataset(id: string): Promise<void> {
    return this.store.delete(id);
  }

  async bars(id: string): Promise<Bars> {
    return (await this.store.bars(id)).bars;
  }

  async strategies(): Promise<StrategyInfo[]> {
    return strategyCatalogue();
  }

  async indicators(): Promise<IndicatorInfo[]> {
    return structuredClone(indicatorCatalogue);
  }

  backtest(request: BacktestRequest, jobId: string, onProgress?: ProgressListener): Promise<BacktestReport> {
    return this.jobs.run(jobId, onProgress, async (job) => {
      const { dataset, bars, range } = await this.load(request, job);
      const task: PoolTask = { kind: 'backtest', ...this.taskBase(request, dataset, range) };
      const count = range ? range.to - range.from : bars.time.length;
      const answer = await this.runOne(task, bars, job, 'Backtest', count > this.pooledBacktestBars);
      if (answer.kind !== 'backtest') throw new Error(`a backtest task returned a ${answer.kind} result`);
      const { overlays, ...result } = answer.result;
      return {
        result,
        close: range ? bars.close.slice(range.from, range.to) : bars.close,
        overlays: overlays ?? {},
        dataset,
      };
    });
  }

  async estimateSweep(request: SweepRequest): Promise<SweepEstimate> {
    const plan = this.plan(request);
    const dataset = await this.store.summary(request.datasetId);
    return this.estimate(plan, dataset, this.sweepWorkers(request.workers));
  }

  sweep(request: SweepRequest, jobId: string, onProgress?: ProgressListener): Promise<SweepResult> {
    return this.jobs.run(jobId, onProgress, async (job) => {
      const plan = this.plan(request);
      this.checkObjective(request.objective);
      const workers = this.sweepWorkers(request.workers);
      const summary = await this.store.summary(request.datasetId);
      const estimate = this.estimate(plan, summary, workers);
      if (!estimate.ok) throw invalid('axes', estimate.message ?? 'The sweep does not fit in memory.');
      const { dataset, bars, range } = await this.load(request, job);
      const started = this.deps.now();
      const lease = this.deps.poolWorker ? this.pools.acquire(workers) : null;
      try {
        const base = this.taskBase(request, dataset, range);
        const cells = lease
          ? await lease.pool.sweep(bars, base.datasetKey, base.strategy, base.config, plan.combos, {
              range,
              signal: job.signal,
              onProgress: (done, total) => job.progress(done, total, 'Sweep'),
            })
          : this.runHere({ kind: 'sweep', ...base, combos: plan.combos }, bars, job, 'Sweep').cells;
        return finishSweep(
          cells,
          plan.axes,
          request.objective,
          lease ? workers : 1,
          this.deps.now() - started,
        );
      } finally {
        lease?.release();
      }
    });
  }

  walkForward(
    request: WalkForwardRequest,
    jobId: string,
    onProgress?: ProgressListener,
  ): Promise<WalkForwardResult> {
    return this.jobs.run(jobId, onProgress, async (job) => {
      const plan = this.plan(request);
      this.checkObjective(request.objective);
      const { dataset, bars, range } = await this.load(request, job);
      const offset = range?.from ?? 0;
      const data = range ? sliceBars(bars, range.from, range.to) : bars;
      const lease = this.deps.poolWorker ? this.pools.acquire(null) : null;
      try {
        // Pool workers keep the whole dataset; a window's range is moved to where it sits in it.
        const pooled = lease
          ? poolWindowEvaluator(lease.pool, bars, dataset.id, request.strategy, request.config, job.signal)
          : null;
        const evaluate: WindowEvaluator = pooled
          ? (windowBars, combos, window, progress) =>
              pooled(windowBars, combos, { from: window.from + offset, to: window.to + offset }, progress)
          : inProcessEvaluator(request.strategy, request.config, job.shouldStop);
        return await walkForward(
          data,
          {
            strategy: request.strategy,
            config: request.config,
            mode: request.mode,
            inSample: request.inSample,
            outOfSample: request.outOfSample,
            combos: plan.combos,
            objective: request.objective,
          },
          evaluate,
          job.stage('Walk-forward'),
        );
      } finally {
        lease?.release();
      }
    });
  }

  monteCarlo(
    request: MonteCarloRequest,
    jobId: string,
    onProgress?: ProgressListener,
  ): Promise<MonteCarloResult> {
    return this.jobs.run(jobId, onProgress, async (job) => {
      const { dataset, bars, range } = await this.load(request, job);
      const task: PoolTask = {
        kind: 'monte-carlo',
        ...this.taskBase(request, dataset, range),
        runs: request.runs,
        method: request.method,
        seed: request.seed,
      };
      const answer = await this.runOne(task, bars, job, 'Monte Carlo', true);
      if (answer.kind !== 'monte-carlo')
        throw new Error(`a Monte Carlo task returned a ${answer.kind} result`);
      return answer.result;
    });
  }

  lookahead(
    request: BacktestRequest,
    jobId: string,
    onProgress?: ProgressListener,
  ): Promise<LookaheadResult> {
    return this.jobs.run(jobId, onProgress, async (job) => {
      const { dataset, bars, range } = await this.load(request, job);
      const task: PoolTask = { kind: 'lookahead', ...this.taskBase(request, dataset, range) };
      const answer = await this.runOne(task, bars, job, 'Lookahead check', true);
      if (answer.kind !== 'lookahead') throw new Error(`a lookahead task returned a ${answer.kind} result`);
      return answer.result;
    });
  }

  async cancel(jobId: string): Promise<void> {
    this.jobs.cancel(jobId);
  }

  /** Ends the pool workers (the research worker is closing). */
  close(): void {
    this.pools.close();
  }

  /**
   * The request's dataset and bar range, with its strategy and config checked against those bars: bad
   * input fails here, in this thread, with its field, before a worker is involved.
   */
  private async load(request: BacktestRequest, job: Job): Promise<Loaded> {
    if (request === null || typeof request !== 'object') throw invalid('request', 'The request is missing.');
    resolveStrategy(request.strategy);
    job.progress(0, 1, 'Loading bars');
    const { summary, bars } = await this.store.bars(request.datasetId);
    if (job.cancelled) throw new Error('cancelled while loading bars');
    const range = barRange(bars.time, request.from, request.to);
    validateBacktestConfig(request.config, bars);
    return { dataset: summary, bars, range };
  }

  private taskBase(request: BacktestRequest, dataset: DatasetSummary, range: BarRange | null) {
    return { datasetKey: dataset.id, range, strategy: request.strategy, config: request.config };
  }

  /** One task, on a pool worker when `pooled` and there is a pool, else here. */
  private async runOne(
    task: PoolTask,
    bars: Bars,
    job: Job,
    stage: string,
    pooled: boolean,
  ): Promise<PoolTaskResult> {
    const lease = pooled && this.deps.poolWorker ? this.pools.acquire(null) : null;
    if (!lease) return this.runHere(task, bars, job, stage);
    this.taskProgress.set(task, (done, total) => job.progress(done, total, stage));
    try {
      return await lease.pool.run(bars, task, { signal: job.signal });
    } finally {
      this.taskProgress.delete(task);
      lease.release();
    }
  }

  private runHere<K extends PoolTask['kind']>(
    task: Extract<PoolTask, { kind: K }>,
    bars: Bars,
    job: Job,
    stage: string,
  ): Extract<PoolTaskResult, { kind: K }> {
    return runTask(task, bars, job.stage(stage)) as Extract<PoolTaskResult, { kind: K }>;
  }

  /** A pool worker whose task progress also reaches the job that submitted the task. */
  private tapProgress(worker: PoolWorker): PoolWorker {
    return {
      load: (key, bars) => worker.load(key, bars),
      run: (task, onProgress) =>
        worker.run(task, (done, total) => {
          onProgress(done, total);
          this.taskProgress.get(task)?.(done, total);
        }),
      cancel: () => worker.cancel(),
      terminate: () => worker.terminate(),
    };
  }

  private plan(request: SweepRequest | WalkForwardRequest): SweepPlan {
    if (request === null || typeof request !== 'object') throw invalid('request', 'The request is missing.');
    if (!Array.isArray(request.axes))
      throw invalid('axes', 'Give the sweep axes: at least one parameter to vary.');
    return planSweep(request.strategy, request.axes);
  }

  private estimate(plan: SweepPlan, dataset: DatasetSummary, workers: number): SweepEstimate {
    // Each pool worker holds the whole dataset, whatever range the sweep runs on.
    return estimateSweep(plan.combos, dataset.bars, this.deps.poolWorker ? workers : 1);
  }

  private checkObjective(objective: Objective): void {
    if (!objectives.includes(objective))
      throw invalid(
        'objective',
        `Unknown objective ${JSON.stringify(objective)}: use one of ${objectives.join(', ')}.`,
      );
  }

  private defaultWorkers(): number {
    const cores = Number.isInteger(this.deps.cores) && this.deps.cores > 0 ? this.deps.cores : 1;
    return Math.min(cores, maxSweepWorkers);
  }

  private sweepWorkers(workers: number | null | undefined): number {
    if (workers === null || workers === undefined) return this.defaultWorkers();
    if (!Number.isInteger(workers) || workers < 1)
      throw invalid(
        'workers',
        `Workers must be a whole number of at least 1, or empty for one per core; got ${workers}.`,
      );
    return Math.min(workers, maxSweepWorkers);
  }
}
