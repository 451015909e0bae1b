import type { CandleColumns } from '../market/candle-series.js';
import { timeframeMs } from '../market/timeframes.js';
import { findIndicator } from '../research/indicators/catalogue.js';
import { macd } from '../research/indicators/macd.js';
import { rsi } from '../research/indicators/rsi.js';
import { finite, stableJson } from './evaluator-state.js';
import { hysteresisOf, observeLevel } from './level-crossing.js';
import { macdMessage, rsiMessage } from './messages.js';
import { wanted, type EvaluateOptions, type RuleContext } from './rule-context.js';
import type { AlertFiring, IndicatorAlert } from './types.js';

/** At most this many candles are walked when several arrive at once (after being offline). */
export const MAX_CATCHUP_CANDLES = 1000;

export interface IndicatorSeries {
  /** The value compared with the level: RSI, or MACD - signal. */
  value: Float64Array;
  line?: Float64Array;
  signal?: Float64Array;
}

function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function paramDefaults(name: 'rsi' | 'macd', given: Readonly<Record<string, number | undefined>>) {
  const out: Record<string, number> = {};
  for (const p of findIndicator(name)?.params ?? []) out[p.name] = given[p.name] ?? p.default;
  return out;
}

function series(spec: IndicatorAlert, candles: CandleColumns, cache: Map<string, IndicatorSeries>) {
  const p = paramDefaults(spec.indicator, spec.params);
  const key = `${spec.indicator}|${stableJson(p)}`;
  let s = cache.get(key);
  if (!s) {
    if (spec.indicator === 'rsi') s = { value: rsi(candles.close, p.period) };
    else {
      const m = macd(candles.close, p.fast, p.slow, p.signal);
      s = { value: m.hist, line: m.macd, signal: m.signal };
    }
    cache.set(key, s);
  }
  return { s, p };
}

export function indicator(
  ctx: RuleContext,
  spec: IndicatorAlert,
  candles: CandleColumns,
  cache: Map<string, IndicatorSeries>,
  opts: EvaluateOptions,
  out: AlertFiring[],
) {
  const { s, p } = series(spec, candles, cache);
  const st = ctx.stateFor(spec);
  const step = timeframeMs[spec.timeframe];
  const n = candles.time.length;
  let prev = st.channels[''];
  let from = n - 1;
  if (prev !== undefined) {
    const seen = prev.time;
    const stop = Math.max(0, n - MAX_CATCHUP_CANDLES);
    from = n;
    while (from > stop && (candles.time[from - 1] as number) + step > seen) from--;
  }
  const h = hysteresisOf(spec);
  for (let i = from; i < n; i++) {
    const closedAt = (candles.time[i] as number) + step;
    const value = s.value[i] as number;
    if (!finite(closedAt) || !finite(value) || (prev !== undefined && !(closedAt > prev.time))) continue;
    const level = spec.indicator === 'rsi' ? spec.level : 0;
    const band = spec.indicator === 'rsi' ? h : h * Math.abs(candles.close[i] as number);
    const r = observeLevel(prev, value, closedAt, level, finite(band) ? band : 0);
    st.channels[''] = r.channel;
    const before = prev;
    prev = r.channel;
    if (r.crossed === null || !wanted(spec.condition, r.crossed)) continue;
    const late =
      i < n - 1
        ? `from the ${spec.timeframe} candle closed at ${utcMinute(closedAt)}, which arrived together with newer candles`
        : ctx.lateness(closedAt, before?.time, opts, step);
    const message =
      spec.indicator === 'rsi'
        ? rsiMessage(spec.symbol, spec.timeframe, p.period as number, spec.level, value, r.crossed)
        : macdMessage(
            spec.symbol,
            spec.timeframe,
            { fast: p.fast as number, slow: p.slow as number, signal: p.signal as number },
            s.line?.[i] as number,
            s.signal?.[i] as number,
            r.crossed,
          );
    ctx.emit(spec.id, st, closedAt, value, message, late, spec.symbol, out);
  }
}
