import type { Bars } from '../backtest/types.js';
import type { PoolTask, PoolTaskResult } from './tasks.js';

/** Messages between a Node pool worker thread and its parent. */
export type ToPoolThread =
  { type: 'load'; id: number; key: string; bars: Bars } | { type: 'run'; id: number; task: PoolTask };

/** An error as data: the class is lost on the way, so its name and field travel with the message. */
export interface ErrorData {
  name: string;
  message: string;
  field?: string;
}

export type FromPoolThread =
  | { type: 'loaded'; id: number }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'result'; id: number; result: PoolTaskResult }
  | { type: 'error'; id: number; error: ErrorData };
