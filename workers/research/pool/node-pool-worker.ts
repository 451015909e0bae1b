import { parentPort } from 'node:worker_threads';
import type { Bars } from '../backtest/types.js';
import type { ErrorData, FromPoolThread, ToPoolThread } from './node-pool-messages.js';
import { runTask } from './tasks.js';

/**
 * The thread side of a Node pool worker: holds one dataset and runs tasks on it. Tasks run synchronously,
 * so cancelling is the parent terminating the thread.
 */

/** Progress messages at most this often (plus the last), so tiny backtests do not flood the parent. */
const PROGRESS_MS = 50;

const port = parentPort;
if (!port) throw new Error('node-pool-worker runs as a worker thread: start it through NodePoolWorker');

let loaded: { key: string; bars: Bars } | null = null;

function errorData(e: unknown): ErrorData {
  if (e instanceof Error) {
    const field = (e as { field?: unknown }).field;
    return { name: e.name, message: e.message, ...(typeof field === 'string' ? { field } : {}) };
  }
  return { name: 'Error', message: String(e) };
}

function send(message: FromPoolThread): void {
  port!.postMessage(message);
}

port.on('message', (message: ToPoolThread) => {
  try {
    if (message.type === 'load') {
      loaded = { key: message.key, bars: message.bars };
      send({ type: 'loaded', id: message.id });
      return;
    }
    const { id, task } = message;
    if (!loaded || loaded.key !== task.datasetKey)
      throw new Error(
        `dataset ${task.datasetKey} is not loaded in this worker: load it before running tasks on it`,
      );
    let last = 0;
    const result = runTask(task, loaded.bars, {
      onProgress(done, total) {
        const now = Date.now();
        if (done < total && now - last < PROGRESS_MS) return;
        last = now;
        send({ type: 'progress', id, done, total });
      },
    });
    send({ type: 'result', id, result });
  } catch (e) {
    send({ type: 'error', id: message.id, error: errorData(e) });
  }
});
