import { finite, type AlertState } from './evaluator-state.js';
import { hysteresisOf, observeLevel, type LevelChannel } from './level-crossing.js';
import { breakerMessage, correlationMessage, drawdownMessage, feedStaleMessage } from './messages.js';
import type { EvaluateOptions, RuleContext } from './rule-context.js';
import type { AlertFiring, RiskAlert, RiskAlertEvent } from './types.js';

/**
 * Per alert; the least recently observed channel (correlation pair, account, feed) goes first. It comes
 * back armed if observed again, so a breach still standing then fires once more.
 */
export const MAX_CHANNELS = 1000;

export function riskEvent(
  ctx: RuleContext,
  spec: RiskAlert,
  e: RiskAlertEvent,
  opts: EvaluateOptions,
  out: AlertFiring[],
) {
  const st = ctx.stateFor(spec);
  // Risk events come when something changes, not at a steady pace: a long silence is not a gap.
  const late = ctx.lateness(e.time, undefined, opts, 0);
  switch (e.kind) {
    case 'breaker-tripped': {
      // An event, not a level: every trip fires (a breaker stays halted until re-armed by hand).
      const key = String(e.accountId);
      const prev = st.channels[key];
      if (prev !== undefined && !(e.time > prev.time)) return;
      setChannel(st, key, { armedUp: false, armedDown: false, side: 'above', value: 1, time: e.time });
      ctx.emit(spec.id, st, e.time, null, breakerMessage(e), late, null, out);
      return;
    }
    case 'drawdown': {
      const threshold = spec.threshold as number;
      const step = observeRiskLevel(
        st,
        String(e.accountId),
        e.drawdown,
        e.time,
        threshold,
        threshold * hysteresisOf(spec),
      );
      if (step?.crossed === 'up')
        ctx.emit(spec.id, st, e.time, e.drawdown, drawdownMessage(e, threshold), late, null, out);
      return;
    }
    case 'correlation-shock': {
      const threshold = spec.threshold as number;
      const base = spec.symbol === null ? null : (spec.symbol.split('/')[0] ?? spec.symbol);
      if (!Array.isArray(e.pairs)) return;
      for (const pair of e.pairs) {
        if (typeof pair !== 'object' || pair === null || !finite(pair.change)) continue;
        if (base !== null && pair.a !== base && pair.b !== base) continue;
        const key = [String(pair.a), String(pair.b)].sort().join('/');
        const step = observeRiskLevel(
          st,
          key,
          Math.abs(pair.change),
          e.time,
          threshold,
          threshold * hysteresisOf(spec),
        );
        if (step?.crossed === 'up')
          ctx.emit(
            spec.id,
            st,
            e.time,
            pair.change,
            correlationMessage(pair, threshold),
            late,
            spec.symbol,
            out,
          );
      }
      return;
    }
    case 'feed-stale': {
      if (spec.symbol !== null && e.symbol !== null && e.symbol !== spec.symbol) return;
      // One channel per market and one for the whole exchange ('binance|*'). Stale is 1, live is 0, the
      // level between them: going stale fires, coming back re-arms.
      const key = `${e.exchange}|${e.symbol ?? '*'}`;
      const step = observeRiskLevel(st, key, e.stale ? 1 : 0, e.time, 0.5, 0);
      // A market of the exchange that is live (one this alert watches) means the exchange feed is live
      // again, so it re-arms the whole-exchange channel too: the market worker may report the recovery
      // per market only. The other way round does not hold (a market can stay stale while the
      // connection is live), so a whole-exchange live event re-arms only its own channel.
      const whole = `${e.exchange}|*`;
      if (!e.stale && e.symbol !== null && whole in st.channels)
        observeRiskLevel(st, whole, 0, e.time, 0.5, 0);
      if (step?.crossed === 'up')
        ctx.emit(spec.id, st, e.time, e.ageMs, feedStaleMessage(e), late, e.symbol ?? spec.symbol, out);
      return;
    }
  }
}

/**
 * One observation of a risk channel; null for a duplicate time or an unreadable value. A new channel
 * starts armed ('from-below'), so a first value already past the level fires.
 */
function observeRiskLevel(
  st: AlertState,
  key: string,
  value: number,
  time: number,
  level: number,
  band: number,
) {
  if (!finite(value)) return null;
  const prev = st.channels[key];
  if (prev !== undefined && !(time > prev.time)) return null;
  const step = observeLevel(prev, value, time, level, band, 'from-below');
  setChannel(st, key, step.channel);
  return step;
}

function setChannel(st: AlertState, key: string, channel: LevelChannel) {
  const isNew = !(key in st.channels);
  st.channels[key] = channel;
  if (!isNew) return;
  const keys = Object.keys(st.channels);
  if (keys.length <= MAX_CHANNELS) return;
  let oldest = keys[0] as string;
  for (const k of keys)
    if ((st.channels[k] as LevelChannel).time < (st.channels[oldest] as LevelChannel).time) oldest = k;
  delete st.channels[oldest];
}
