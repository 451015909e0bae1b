import { CancelledError } from '../backtest/errors.js';
import type { BacktestConfig, Bars, Params } from '../backtest/types.js';
import type { StrategySpec } from '../strategies/spec.js';
import type { BarRange, PoolTask, PoolTaskResult, SweepCellDraft } from './tasks.js';
import { taskSize } from './tasks.js';

/**
 * One worker of the pool, whatever runs it (a browser Web Worker through comlink, a Node worker thread,
 * or an in-process fake in tests). A worker holds one dataset: `load` replaces whatever it held before.
 */
export interface PoolWorker {
  load(datasetKey: string, bars: Bars): Promise<void>;
  run(task: PoolTask, onProgress: (done: number, total: number) => void): Promise<PoolTaskResult>;
  /**
   * Stop the running task now. The pool never reuses a cancelled worker (it terminates it and makes a
   * new one when needed), so this may simply terminate it; the pending `run` need not settle.
   */
  cancel(): void;
  terminate(): void;
}

/** An AbortSignal, or any object whose `aborted` turns true (polled). */
export type AbortLike = { readonly aborted: boolean };

export interface PoolJobOptions {
  /** Aggregated over the job's tasks: never decreases, ends at (total, total). */
  onProgress?(done: number, total: number): void;
  signal?: AbortLike | null;
}

export interface SweepJobOptions extends PoolJobOptions {
  /** Only these bars of `bars` (the whole dataset is loaded once and each task slices it). */
  range?: BarRange | null;
}

export interface WorkerPoolOptions {
  /** Chunks per worker in a sweep: several, so a worker that finishes early takes more (default 4). */
  chunksPerWorker?: number;
  /** How often a plain `{ aborted }` signal is polled, ms (default 25). */
  pollMs?: number;
}

interface Slot {
  worker: PoolWorker | null;
  loadedKey: string | null;
  item: WorkItem | null;
}

interface WorkItem {
  job: Job;
  index: number;
  bars: Bars;
  task: PoolTask;
}

/** One call of `sweep` or `run`: its tasks, their progress, and how it ends. */
class Job {
  settled = false;
  readonly results: (PoolTaskResult | undefined)[];
  private readonly progress: Float64Array;
  private readonly sizes: number[];
  private readonly total: number;
  private reported = -1;
  private remaining: number;
  private stopWatching: () => void = () => {};

  constructor(
    readonly tasks: PoolTask[],
    private readonly options: PoolJobOptions,
    private readonly resolveJob: (results: PoolTaskResult[]) => void,
    private readonly rejectJob: (error: unknown) => void,
  ) {
    this.results = new Array<PoolTaskResult | undefined>(tasks.length);
    this.sizes = tasks.map(taskSize);
    this.progress = new Float64Array(tasks.length);
    this.total = this.sizes.reduce((s, n) => s + n, 0);
    this.remaining = tasks.length;
  }

  watch(stop: () => void): void {
    this.stopWatching = stop;
  }

  report(index: number, done: number, total: number): void {
    if (this.settled) return;
    const size = this.sizes[index] as number;
    // A task may count in other units than the pool (a backtest counts bars): scale to its share.
    const share = total > 0 ? Math.min(size, (done / total) * size) : 0;
    if (share > (this.progress[index] as number)) this.progress[index] = share;
    this.emit();
  }

  private emit(): void {
    let sum = 0;
    for (let i = 0; i < this.progress.length; i++) sum += this.progress[i] as number;
    const done = Math.min(this.total, Math.floor(sum + 1e-9));
    if (done > this.reported) {
      this.reported = done;
      this.options.onProgress?.(done, this.total);
    }
  }

  complete(index: number, result: PoolTaskResult): void {
    if (this.settled) return;
    this.results[index] = result;
    this.progress[index] = this.sizes[index] as number;
    this.remaining--;
    if (this.remaining > 0) {
      this.emit();
      return;
    }
    this.finish();
    if (this.reported < this.total) this.options.onProgress?.(this.total, this.total);
    this.resolveJob(this.results as PoolTaskResult[]);
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.finish();
    this.rejectJob(error);
  }

  private finish(): void {
    this.settled = true;
    this.stopWatching();
  }
}

/**
 * Runs research tasks on a fixed number of workers. Workers are made on first use; each keeps the last
 * dataset it was given, so a sweep sends its bars to each worker once, not once per task. Jobs share the
 * workers first come, first served. Cancelling a job (its signal aborts) stops its running tasks by
 * cancelling their workers, which are then discarded and replaced on demand, and rejects it with a
 * CancelledError; a task that fails rejects its job with that error and stops the job's other tasks.
 */
export class WorkerPool {
  private readonly slots: Slot[];
  private readonly queue: WorkItem[] = [];
  private readonly chunksPerWorker: number;
  private readonly pollMs: number;
  private closed = false;

  constructor(
    size: number,
    private readonly factory: () => PoolWorker,
    options: WorkerPoolOptions = {},
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`a worker pool needs a whole number of workers, at least 1; got ${size}`);
    this.slots = Array.from({ length: size }, () => ({ worker: null, loadedKey: null, item: null }));
    this.chunksPerWorker = Math.max(1, Math.floor(options.chunksPerWorker ?? 4));
    this.pollMs = options.pollMs ?? 25;
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * Backtests `strategy` once per combo (each combo's params over the spec's) and returns the cells in
   * the order of `combos`.
   */
  async sweep(
    bars: Bars,
    datasetKey: string,
    strategy: StrategySpec,
    config: BacktestConfig,
    combos: readonly Params[],
    options: SweepJobOptions = {},
  ): Promise<SweepCellDraft[]> {
    const chunks = splitEvenly(combos, this.slots.length * this.chunksPerWorker);
    const range = options.range ?? null;
    const tasks: PoolTask[] = chunks.map((chunk) => ({
      kind: 'sweep',
      datasetKey,
      range,
      strategy,
      config,
      combos: chunk,
    }));
    const results = await this.submit(bars, tasks, options);
    const cells: SweepCellDraft[] = [];
    for (const result of results) {
      if (result.kind !== 'sweep') throw new Error(`a sweep task returned a ${result.kind} result`);
      for (const cell of result.cells) cells.push(cell);
    }
    if (cells.length !== combos.length)
      throw new Error(`a sweep of ${combos.length} combinations returned ${cells.length} cells`);
    return cells;
  }

  /** Runs one task on one worker (a long backtest, a Monte Carlo, a lookahead check) so it can be cancelled. */
  async run(bars: Bars, task: PoolTask, options: PoolJobOptions = {}): Promise<PoolTaskResult> {
    const [result] = await this.submit(bars, [task], options);
    return result as PoolTaskResult;
  }

  /** Terminates every worker; jobs still running reject. The pool cannot be used afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const jobs = new Set<Job>(this.queue.map((item) => item.job));
    this.queue.length = 0;
    for (const slot of this.slots) {
      if (slot.item) jobs.add(slot.item.job);
      slot.item = null;
      this.discard(slot);
    }
    for (const job of jobs) job.fail(new Error('the research worker pool was closed while this job ran'));
  }

  private submit(bars: Bars, tasks: PoolTask[], options: PoolJobOptions): Promise<PoolTaskResult[]> {
    if (this.closed) return Promise.reject(new Error('the research worker pool is closed'));
    if (options.signal?.aborted) return Promise.reject(new CancelledError());
    if (tasks.length === 0) {
      options.onProgress?.(0, 0);
      return Promise.resolve([]);
    }
    return new Promise<PoolTaskResult[]>((resolve, reject) => {
      const job = new Job(tasks, options, resolve, reject);
      if (options.signal) job.watch(this.watchSignal(options.signal, () => this.cancelJob(job)));
      tasks.forEach((task, index) => this.queue.push({ job, index, bars, task }));
      this.dispatch();
    });
  }

  /** Calls `onAbort` once when the signal aborts; returns how to stop watching. */
  private watchSignal(signal: AbortLike, onAbort: () => void): () => void {
    const target = signal as Partial<AbortSignal>;
    if (typeof target.addEventListener === 'function' && typeof target.removeEventListener === 'function') {
      const listener = () => onAbort();
      target.addEventListener('abort', listener, { once: true });
      return () => target.removeEventListener?.('abort', listener);
    }
    const timer = setInterval(() => {
      if (signal.aborted) onAbort();
    }, this.pollMs);
    return () => clearInterval(timer);
  }

  private cancelJob(job: Job): void {
    this.stopJob(job);
    job.fail(new CancelledError());
    this.dispatch();
  }

  /** Drops the job's queued tasks and cancels the workers running its others. */
  private stopJob(job: Job): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]?.job === job) this.queue.splice(i, 1);
    for (const slot of this.slots) {
      if (slot.item?.job !== job) continue;
      slot.item = null;
      slot.worker?.cancel();
      this.discard(slot);
    }
  }

  private discard(slot: Slot): void {
    const worker = slot.worker;
    slot.worker = null;
    slot.loadedKey = null;
    if (!worker) return;
    try {
      worker.terminate();
    } catch {
      // Already gone: nothing left to stop.
    }
  }

  private dispatch(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (slot.item || this.queue.length === 0) continue;
      const item = this.takeFor(slot);
      slot.item = item;
      void this.execute(slot, item);
    }
  }

  /** The oldest queued item, preferring one whose bars this slot already holds. */
  private takeFor(slot: Slot): WorkItem {
    const oldest = this.queue[0] as WorkItem;
    if (slot.loadedKey !== null && oldest.task.datasetKey !== slot.loadedKey) {
      const sameJob = this.queue.findIndex(
        (item) => item.job === oldest.job && item.task.datasetKey === slot.loadedKey,
      );
      if (sameJob > 0) return this.queue.splice(sameJob, 1)[0] as WorkItem;
    }
    return this.queue.shift() as WorkItem;
  }

  private async execute(slot: Slot, item: WorkItem): Promise<void> {
    const { job, index, task } = item;
    // The slot may be cancelled while awaiting: only the run that still owns it may touch it.
    const owns = () => slot.item === item;
    try {
      slot.worker ??= this.factory();
      const worker = slot.worker;
      if (slot.loadedKey !== task.datasetKey) {
        slot.loadedKey = null;
        await worker.load(task.datasetKey, item.bars);
        if (!owns()) return;
        slot.loadedKey = task.datasetKey;
      }
      const result = await worker.run(task, (done, total) => {
        if (owns()) job.report(index, done, total);
      });
      if (!owns()) return;
      slot.item = null;
      job.complete(index, result);
    } catch (error) {
      if (!owns()) return;
      // A worker that failed may be broken (a crashed thread): start the next task on a fresh one.
      slot.item = null;
      this.discard(slot);
      this.stopJob(job);
      job.fail(error);
    }
    this.dispatch();
  }
}

/** Splits `items` into at most `parts` contiguous chunks whose sizes differ by at most one. */
export function splitEvenly<T>(items: readonly T[], parts: number): T[][] {
  const n = items.length;
  const count = Math.max(1, Math.min(n, Math.floor(parts)));
  if (n === 0) return [];
  const chunks: T[][] = [];
  const base = Math.floor(n / count);
  const extra = n % count;
  let at = 0;
  for (let c = 0; c < count; c++) {
    const size = base + (c < extra ? 1 : 0);
    chunks.push(items.slice(at, at + size));
    at += size;
  }
  return chunks;
}
