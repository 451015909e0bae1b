/** Capital gains tax lots: the tax engine's public surface (pure functions, no I/O). */
export { taxReport } from './report.js';
export { taxReportFromInput } from './from-input.js';
export { normalizeTrades, DEFAULT_ACCOUNT, DEFAULT_ASSET, type TradeDefaults } from './trades.js';
export { parseTradesCsv, type TradesCsvProblem, type TradesCsvResult } from './trades-csv.js';
export { summarise } from './summary.js';
export { twelveMonthAnniversary, discountEligible, daysHeld } from './discount.js';
export { taxYearOf, yearBounds, parseYearStart, defaultYearStart } from './tax-year.js';
export { defaultTimeZone, resolveOptions, isMethod, isJurisdiction, type TaxOptions } from './options.js';
export { exactJson } from './report-json.js';
export { TaxInputError, describeProblem, type TaxProblem } from './errors.js';
export * from './types.js';
