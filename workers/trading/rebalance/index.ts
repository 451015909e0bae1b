/** The rebalance engine: pure planning and batching logic the portfolio service calls. */
export { executeBatch, type BatchGate, type BatchOptions } from './execute-batch.js';
export { parseTargets, type ParsedTarget, type ParsedTargets } from './parse-targets.js';
export { planRebalance, type RebalanceContext } from './plan-rebalance.js';
export { MAX_ASSETS, suggestTargets, type Suggestion } from './suggest.js';
