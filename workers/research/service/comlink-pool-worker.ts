import * as Comlink from 'comlink';
import type { PoolWorker } from '../pool/pool.js';
import type { PoolEndpoint } from './pool-endpoint.js';

/** The parts of a Web Worker the pool needs (a dedicated worker in the browser). */
export interface WorkerHandle {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'error' | 'messageerror', listener: (event: Event) => void): void;
  terminate(): void;
}

/**
 * A browser pool worker as the WorkerPool sees it. Cancel terminates: the worker runs its task
 * synchronously and would read a stop message only after finishing. A worker that dies (a failed module
 * load, out of memory) fails the call in flight instead of leaving it waiting for ever.
 */
export function comlinkPoolWorker(worker: WorkerHandle): PoolWorker {
  const remote = Comlink.wrap<PoolEndpoint>(worker as unknown as Comlink.Endpoint);
  let died: (error: Error) => void = () => {};
  const death = new Promise<never>((_, reject) => {
    died = reject;
  });
  // Nobody may be waiting when it dies; the next call still sees the rejection.
  death.catch(() => {});
  const onDeath = (event: Event) => {
    const message = (event as ErrorEvent).message;
    died(
      new Error(`a research pool worker stopped: ${message || 'it could not start or ran out of memory'}`),
    );
  };
  worker.addEventListener('error', onDeath);
  worker.addEventListener('messageerror', onDeath);
  let terminated = false;
  const terminate = () => {
    if (terminated) return;
    terminated = true;
    worker.terminate();
  };
  return {
    // Copied, not transferred: the pool sends the same bars to every worker.
    load: (datasetKey, bars) => Promise.race([remote.load(datasetKey, bars), death]),
    run: (task, onProgress) => Promise.race([remote.run(task, Comlink.proxy(onProgress)), death]),
    cancel: terminate,
    terminate,
  };
}
