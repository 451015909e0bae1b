import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { CancelledError, ResearchInputError } from '../backtest/errors.js';
import type { Bars } from '../backtest/types.js';
import type { ErrorData, FromPoolThread, ToPoolThread } from './node-pool-messages.js';
import { WorkerPool, type PoolWorker, type WorkerPoolOptions } from './pool.js';
import type { PoolTask, PoolTaskResult } from './tasks.js';

const ENTRY = new URL('./node-pool-worker.mjs', import.meta.url);

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onProgress?: (done: number, total: number) => void;
}

function errorFrom(data: ErrorData): Error {
  if (data.name === 'ResearchInputError') return new ResearchInputError(data.field ?? 'input', data.message);
  if (data.name === 'CancelledError') return new CancelledError(data.message);
  const error = new Error(data.message);
  error.name = data.name;
  return error;
}

/**
 * A PoolWorker on a Node worker thread (for the CLI and the bench). The thread starts on first use and
 * runs tasks synchronously, so `cancel` terminates it: pending calls reject with a CancelledError.
 */
export class NodePoolWorker implements PoolWorker {
  private thread: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stopped = false;

  private start(): Worker {
    if (this.stopped) throw new Error('this research worker thread was terminated');
    if (this.thread) return this.thread;
    // No inherited flags: the entry registers its own TypeScript loader.
    const thread = new Worker(ENTRY, { execArgv: [] });
    thread.on('message', (message: FromPoolThread) => this.receive(message));
    thread.on('error', (e) => this.failAll(new Error(`research worker thread failed: ${e.message}`)));
    thread.on('exit', (code) => {
      this.thread = null;
      if (!this.stopped) this.failAll(new Error(`research worker thread exited with code ${code}`));
    });
    this.thread = thread;
    return thread;
  }

  private receive(message: FromPoolThread): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.(message.done, message.total);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'error') pending.reject(errorFrom(message.error));
    else pending.resolve(message.type === 'result' ? message.result : undefined);
  }

  private failAll(error: unknown): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }

  private call<T>(message: ToPoolThread, onProgress?: (done: number, total: number) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      try {
        const thread = this.start();
        this.pending.set(message.id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
        thread.postMessage(message);
      } catch (e) {
        this.pending.delete(message.id);
        reject(e);
      }
    });
  }

  /** The thread's id while it runs, null before it starts and after it stops. */
  get threadId(): number | null {
    return this.thread?.threadId ?? null;
  }

  load(datasetKey: string, bars: Bars): Promise<void> {
    return this.call<void>({ type: 'load', id: this.nextId++, key: datasetKey, bars });
  }

  run(task: PoolTask, onProgress: (done: number, total: number) => void): Promise<PoolTaskResult> {
    return this.call<PoolTaskResult>({ type: 'run', id: this.nextId++, task }, onProgress);
  }

  cancel(): void {
    this.stop(new CancelledError());
  }

  terminate(): void {
    this.stop(new Error('this research worker thread was terminated'));
  }

  private stop(reason: Error): void {
    this.stopped = true;
    const thread = this.thread;
    this.thread = null;
    this.failAll(reason);
    if (thread) void thread.terminate();
  }
}

/** A worker pool on Node worker threads; `workers` defaults to the number of CPU cores. */
export function nodeWorkerPool(
  workers: number = os.availableParallelism?.() ?? os.cpus().length,
  options?: WorkerPoolOptions,
): WorkerPool {
  return new WorkerPool(workers, () => new NodePoolWorker(), options);
}
