/**
 * Technical indicators over float64 columns: pure functions, O(n), NaN where a value is not defined yet
 * (see moving-averages.ts for how NaNs in the input are treated), conventions matching R's TTR (checked
 * against test/fixtures/reference/indicators_dax.csv). `computeIndicator` runs any of them by name for
 * rules and charts.
 */
export { atr, atrCloseOnly, trueRange, trueRangeCloseOnly } from './atr.js';
export { bollinger, type BollingerOutput } from './bollinger.js';
export { computeIndicator, findIndicator, indicatorCatalogue, indicatorParamProblems } from './catalogue.js';
export { donchian, type DonchianOutput } from './donchian.js';
export { macd, type MacdOutput } from './macd.js';
export { ema, sma, smaInto, wilderSmooth, wma } from './moving-averages.js';
export { obv } from './obv.js';
export { rollingMax, rollingMin } from './rolling-extremes.js';
export { rollingSd } from './rolling-sd.js';
export { rsi } from './rsi.js';
export { stochastic, type StochasticOutput } from './stochastic.js';
export { IndicatorInputError } from './validate.js';
export { vwap } from './vwap.js';
