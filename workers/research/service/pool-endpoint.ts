import * as Comlink from 'comlink';
import type { Bars } from '../backtest/types.js';
import type { PoolTask, PoolTaskResult, TaskHooks } from '../pool/tasks.js';
import { researchError } from './research-errors.js';
import { transferablesOf } from './transferables.js';

/** What a browser pool worker exposes with comlink (`workers/research-pool.worker.ts`). */
export interface PoolEndpoint {
  load(datasetKey: string, bars: Bars): void;
  run(task: PoolTask, onProgress: (done: number, total: number) => void): PoolTaskResult;
}

/** Progress from a pool worker is a message per event: a sweep of small runs would send thousands. */
export const poolProgressGapMs = 50;

type RunTask = (task: PoolTask, bars: Bars, hooks: TaskHooks) => PoolTaskResult;

/**
 * The pool worker's side of the comlink edge: it holds one dataset and runs tasks on it. There is no
 * cancel here: tasks are synchronous, so a message asking to stop would be read only after the task
 * ended; the parent terminates the worker instead. Failures leave as EngineError data, so a bad input's
 * field survives the trip to the page.
 */
export function poolEndpoint(runTask: RunTask, now: () => number): PoolEndpoint {
  let loaded: { key: string; bars: Bars } | null = null;
  return {
    load(datasetKey, bars) {
      loaded = { key: datasetKey, bars };
    },
    run(task, onProgress) {
      // Across comlink the listener is a proxy: each call is a message, answered by a promise.
      const progress = onProgress as unknown as Comlink.Remote<(done: number, total: number) => void>;
      try {
        if (!loaded || loaded.key !== task.datasetKey) {
          throw new Error(
            `this pool worker holds ${loaded ? `dataset ${loaded.key}` : 'no dataset'}, not ${task.datasetKey}: load it first`,
          );
        }
        let last = Number.NEGATIVE_INFINITY;
        const result = runTask(task, loaded.bars, {
          onProgress(done, total) {
            const t = now();
            if (done < total && t - last < poolProgressGapMs) return;
            last = t;
            void Promise.resolve(progress(done, total)).catch(() => {});
          },
        });
        // Made here for the caller: moving its arrays is free, copying them is not.
        return Comlink.transfer(result, transferablesOf(result));
      } catch (e) {
        throw researchError(e);
      } finally {
        progress[Comlink.releaseProxy]?.();
      }
    },
  };
}
