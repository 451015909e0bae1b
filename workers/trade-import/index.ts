/** Trade-history import: pure functions from CSV text to fills, a preview and what would be new. */
export {
  parseTradesCsv,
  MAX_PROBLEMS,
  type ParseTradesOptions,
  type ParseTradesResult,
} from './parse-trades.js';
export { detectLayout, describeLayouts, LAYOUTS, type Layout, type DetectResult } from './detect-layout.js';
export { newTrades, fnv1a64, IMPORT_ID_PREFIX, type NewTrades } from './import-ids.js';
export { previewImport, conventionsOf, type ImportPreview } from './preview.js';
export { formatGenericCsv, GENERIC_HEADER } from './format-generic.js';
export type { ImportProblem, LayoutId, SkippedRow } from './types.js';
