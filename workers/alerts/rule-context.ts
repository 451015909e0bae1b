import type { Crossing } from './level-crossing.js';
import type { AlertState } from './evaluator-state.js';
import type { AlertFiring, AlertSpec } from './types.js';

export interface EvaluateOptions {
  /** false when the data is not live: it arrived after the engine was offline, or comes from storage. */
  live: boolean;
  /** The current time (epoch ms), when known: data older than `staleAfterMs` at `now` is late. */
  now?: number;
}

/**
 * What the rules of each kind get from the evaluator running them. The rules only decide whether a
 * channel crossed; the evaluator keeps the specs and states, so whether a crossing may fire (enabled,
 * snoozed, created after the data, 'once') and whether it is late are decided in one place for all kinds.
 */
export interface RuleContext {
  stateFor(spec: AlertSpec): AlertState;
  lateness(time: number, prevTime: number | undefined, opts: EvaluateOptions, step: number): string | null;
  emit(
    id: string,
    st: AlertState,
    time: number,
    value: number | null,
    message: string,
    late: string | null,
    symbol: string | null,
    out: AlertFiring[],
  ): void;
}

export function wanted(direction: string, crossed: Exclude<Crossing, null>): boolean {
  if (direction === 'either') return true;
  return crossed === 'up'
    ? direction === 'above' || direction === 'up' || direction === 'cross-above'
    : direction === 'below' || direction === 'down' || direction === 'cross-below';
}
