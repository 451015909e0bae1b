import type { IndicatorInfo } from '../api.js';
import type { Bars, ParamSpec } from '../backtest/types.js';
import { atr } from './atr.js';
import { bollinger } from './bollinger.js';
import { donchian } from './donchian.js';
import { macd } from './macd.js';
import { ema, sma, wma } from './moving-averages.js';
import { obv } from './obv.js';
import { rollingSd } from './rolling-sd.js';
import { rsi } from './rsi.js';
import { stochastic } from './stochastic.js';
import { IndicatorInputError } from './validate.js';
import { vwap } from './vwap.js';

type Outputs = Record<string, Float64Array>;

interface IndicatorDefinition {
  info: IndicatorInfo;
  /** What the indicator reads besides the close, for the close-only error. */
  needs?: string;
  /** Checks across params (one param against another); each problem as a sentence. */
  check?(p: Record<string, number>): string[];
  compute(bars: Bars, p: Record<string, number>): Outputs;
}

function periodParam(name: string, label: string, byDefault: number, min: number, max: number): ParamSpec {
  return { name, label, default: byDefault, min, max, step: 1, integer: true };
}

const period = (byDefault: number, min = 1, max = 1000) =>
  periodParam('period', 'Period (bars)', byDefault, min, max);

const value = (series: Float64Array): Outputs => ({ value: series });

const definitions: IndicatorDefinition[] = [
  {
    info: {
      name: 'sma',
      label: 'Simple moving average',
      params: [period(20)],
      outputs: ['value'],
      placement: 'overlay',
      needsOhlcv: false,
    },
    compute: (b, p) => value(sma(b.close, p.period as number)),
  },
  {
    info: {
      name: 'ema',
      label: 'Exponential moving average',
      params: [period(20)],
      outputs: ['value'],
      placement: 'overlay',
      needsOhlcv: false,
    },
    compute: (b, p) => value(ema(b.close, p.period as number)),
  },
  {
    info: {
      name: 'wma',
      label: 'Weighted moving average',
      params: [period(20)],
      outputs: ['value'],
      placement: 'overlay',
      needsOhlcv: false,
    },
    compute: (b, p) => value(wma(b.close, p.period as number)),
  },
  {
    info: {
      name: 'rsi',
      label: 'Relative strength index (Wilder)',
      params: [period(14, 2, 500)],
      outputs: ['value'],
      placement: 'pane',
      needsOhlcv: false,
    },
    compute: (b, p) => value(rsi(b.close, p.period as number)),
  },
  {
    info: {
      name: 'macd',
      label: 'MACD',
      params: [
        periodParam('fast', 'Fast EMA (bars)', 12, 1, 500),
        periodParam('slow', 'Slow EMA (bars)', 26, 2, 1000),
        periodParam('signal', 'Signal EMA (bars)', 9, 1, 500),
      ],
      outputs: ['macd', 'signal', 'hist'],
      placement: 'pane',
      needsOhlcv: false,
    },
    check: (p) =>
      (p.fast as number) < (p.slow as number)
        ? []
        : [`fast (${p.fast}) must be shorter than slow (${p.slow}), e.g. fast 12 and slow 26`],
    compute: (b, p) => {
      const { macd: line, signal, hist } = macd(b.close, p.fast, p.slow, p.signal);
      return { macd: line, signal, hist };
    },
  },
  {
    info: {
      name: 'bbands',
      label: 'Bollinger bands',
      params: [
        period(20, 2),
        {
          name: 'k',
          label: 'Width (standard deviations)',
          default: 2,
          min: 0.1,
          max: 10,
          step: 0.1,
          integer: false,
        },
      ],
      outputs: ['lower', 'middle', 'upper', 'pctB'],
      placement: 'overlay',
      needsOhlcv: false,
    },
    compute: (b, p) => {
      const { lower, middle, upper, pctB } = bollinger(b.close, p.period, p.k);
      return { lower, middle, upper, pctB };
    },
  },
  {
    info: {
      name: 'rollsd',
      label: 'Rolling standard deviation',
      params: [
        period(20, 2),
        {
          name: 'sample',
          label: 'Sample (1, divide by n - 1) or population (0, divide by n)',
          default: 1,
          min: 0,
          max: 1,
          step: 1,
          integer: true,
        },
      ],
      outputs: ['value'],
      placement: 'pane',
      needsOhlcv: false,
    },
    compute: (b, p) => value(rollingSd(b.close, p.period as number, p.sample === 1)),
  },
  {
    info: {
      name: 'atr',
      label: 'Average true range (Wilder)',
      params: [period(14, 1, 500)],
      outputs: ['value'],
      placement: 'pane',
      needsOhlcv: true,
    },
    needs: 'high and low prices',
    compute: (b, p) => value(atr(b, p.period)),
  },
  {
    info: {
      name: 'stoch',
      label: 'Stochastic oscillator',
      params: [
        periodParam('kPeriod', '%K period (bars)', 14, 1, 500),
        periodParam('dPeriod', '%D period (bars)', 3, 1, 100),
      ],
      outputs: ['k', 'd'],
      placement: 'pane',
      needsOhlcv: true,
    },
    needs: 'high and low prices',
    compute: (b, p) => {
      const { k, d } = stochastic(b.high, b.low, b.close, p.kPeriod, p.dPeriod);
      return { k, d };
    },
  },
  {
    info: {
      name: 'vwap',
      label: 'Volume-weighted average price (rolling)',
      params: [period(20)],
      outputs: ['value'],
      placement: 'overlay',
      needsOhlcv: true,
    },
    needs: 'high and low prices and volume',
    compute: (b, p) => value(vwap(b.high, b.low, b.close, b.volume, p.period)),
  },
  {
    info: {
      name: 'obv',
      label: 'On-balance volume',
      params: [],
      outputs: ['value'],
      placement: 'pane',
      needsOhlcv: true,
    },
    needs: 'volume',
    compute: (b) => value(obv(b.close, b.volume)),
  },
  {
    // On close-only data high = low = close, so this is the channel of the closes: still meaningful.
    info: {
      name: 'donchian',
      label: 'Donchian channel',
      params: [period(20)],
      outputs: ['lower', 'middle', 'upper'],
      placement: 'overlay',
      needsOhlcv: false,
    },
    compute: (b, p) => {
      const { lower, middle, upper } = donchian(b.high, b.low, p.period);
      return { lower, middle, upper };
    },
  },
];

const byName = new Map(definitions.map((d) => [d.info.name, d]));

/** Every indicator the rule builder and the charts offer: plain data, safe to send between workers. */
export const indicatorCatalogue: IndicatorInfo[] = definitions.map((d) => d.info);

/** The catalogue entry of `name`, or undefined. */
export function findIndicator(name: string): IndicatorInfo | undefined {
  return byName.get(name)?.info;
}

const unknownName = (name: string) =>
  `Unknown indicator "${name}": choose one of ${definitions.map((d) => d.info.name).join(', ')}`;

function lookup(name: string): IndicatorDefinition {
  const found = byName.get(name);
  if (!found) throw new IndicatorInputError(name, unknownName(name));
  return found;
}

function describeRange(spec: ParamSpec): string {
  return `${spec.integer ? 'a whole number' : 'a number'} from ${spec.min} to ${spec.max}`;
}

/**
 * What is wrong with `params` for indicator `name`, one sentence each (empty: nothing). Unknown params,
 * values that are not finite numbers, outside the param's range or not whole when it must be, and checks
 * across params (MACD's fast shorter than slow). Missing params take their defaults and are not problems.
 * An unknown indicator is one problem, listing the known ones.
 */
export function indicatorParamProblems(name: string, params: Readonly<Record<string, number>>): string[] {
  const def = byName.get(name);
  if (!def) return [unknownName(name)];
  const { info } = def;
  const problems: string[] = [];
  const known = info.params.map((s) => s.name);
  for (const key of Object.keys(params))
    if (!known.includes(key))
      problems.push(
        known.length === 0
          ? `${name} takes no params, got "${key}"`
          : `${name} has no param "${key}": its params are ${known.join(', ')}`,
      );
  for (const spec of info.params) {
    const v = params[spec.name];
    if (v === undefined) continue;
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      (spec.integer && !Number.isInteger(v)) ||
      v < spec.min ||
      v > spec.max
    )
      problems.push(`${name} ${spec.name} (${spec.label}) must be ${describeRange(spec)}, got ${String(v)}`);
  }
  if (problems.length === 0 && def.check)
    for (const p of def.check(withDefaults(info, params))) problems.push(`${name}: ${p}`);
  return problems;
}

function withDefaults(info: IndicatorInfo, params: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const spec of info.params) out[spec.name] = params[spec.name] ?? spec.default;
  return out;
}

/**
 * Computes indicator `name` over `bars` with `params` (missing ones take their defaults). Returns one
 * series per output listed in the catalogue, aligned with the bars; single-output indicators under
 * `value`. Throws an IndicatorInputError naming the indicator and the fix for an unknown name, a bad
 * param, or an indicator that needs high, low or volume on close-only bars.
 */
export function computeIndicator(
  name: string,
  bars: Bars,
  params: Readonly<Record<string, number>> = {},
): Record<string, Float64Array> {
  const def = lookup(name);
  const problems = indicatorParamProblems(name, params);
  if (problems.length > 0) throw new IndicatorInputError(name, problems.join('; '));
  if (def.info.needsOhlcv && bars.closeOnly) {
    const usable = definitions.filter((d) => !d.info.needsOhlcv).map((d) => d.info.name);
    throw new IndicatorInputError(
      name,
      `${def.info.label} (${name}) needs ${def.needs ?? 'high, low and volume'}, but these bars have closes only: ` +
        `import a CSV with high, low and volume columns or download exchange history, or use one of ${usable.join(', ')}`,
    );
  }
  return def.compute(bars, withDefaults(def.info, params));
}
