/** Results as the tabs keep them: the worker's answer plus the choices it answers. */
import type { MonteCarloResult, Objective, Params, SweepResult, WalkForwardResult } from '$workers/api';

export interface SweepRun {
  result: SweepResult;
  objective: Objective;
  /** The strategy's params the axes were laid over. */
  base: Params;
}

export interface WalkForwardRun {
  result: WalkForwardResult;
  objective: Objective;
  mode: 'rolling' | 'anchored';
}

export interface MonteCarloRun {
  result: MonteCarloResult;
  capital: number;
}
