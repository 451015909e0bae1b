import type { AlertDraft, AlertKind, RiskEventKind, Timeframe } from '$workers/api';

/** The alert form's fields as typed (text inputs stay text until the draft is built). */
export interface AlertFormFields {
  kind: AlertKind;
  name: string;
  symbol: string;
  repeat: 'once' | 'every-crossing';
  sound: boolean;
  /** Re-arm band as typed, in the form's unit (see `bandUnit`); empty for the default. */
  band: string;
  level: string;
  crossDirection: 'above' | 'below' | 'either';
  percent: string;
  windowMs: number;
  moveDirection: 'up' | 'down' | 'either';
  indicator: 'rsi' | 'macd';
  timeframe: Timeframe;
  rsiPeriod: string;
  rsiCondition: 'above' | 'below';
  rsiLevel: string;
  macdCondition: 'cross-above' | 'cross-below';
  riskEvent: RiskEventKind;
  /** Drawdown in %, correlation change as a number. */
  threshold: string;
}

export function emptyFields(symbol = ''): AlertFormFields {
  return {
    kind: 'price-cross',
    name: '',
    symbol,
    repeat: 'every-crossing',
    sound: true,
    band: '',
    level: '',
    crossDirection: 'either',
    percent: '5',
    windowMs: 3_600_000,
    moveDirection: 'either',
    indicator: 'rsi',
    timeframe: '1h',
    rsiPeriod: '14',
    rsiCondition: 'above',
    rsiLevel: '70',
    macdCondition: 'cross-above',
    riskEvent: 'drawdown',
    threshold: '10',
  };
}

/** The re-arm band's unit in the form, and how it maps to the engine's `hysteresis`. */
export function bandUnit(f: AlertFormFields): { label: string; toEngine: (x: number) => number } | null {
  const percentOf = (what: string) => ({ label: `% of the ${what}`, toEngine: (x: number) => x / 100 });
  switch (f.kind) {
    case 'price-cross':
      return percentOf('level');
    case 'percent-move':
      return percentOf('move');
    case 'indicator':
      return f.indicator === 'rsi' ? { label: 'RSI points', toEngine: (x) => x } : percentOf('close');
    case 'risk':
      return f.riskEvent === 'drawdown' || f.riskEvent === 'correlation-shock'
        ? percentOf('threshold')
        : null;
    case 'order-filled':
      return null;
  }
}

/** A number typed in a field; NaN stays NaN so the engine names the field that is wrong. */
function num(text: string): number {
  const t = text.trim().replace(',', '.');
  return t === '' ? NaN : Number(t);
}

const orNull = (s: string) => (s.trim() === '' ? null : s.trim());

/** The draft the engine checks: every field the kind has, nothing else. */
export function draftOf(f: AlertFormFields): AlertDraft {
  const unit = bandUnit(f);
  const band = f.band.trim() === '' || unit === null ? null : unit.toEngine(num(f.band));
  const common = { name: f.name.trim() || null, repeat: f.repeat, sound: f.sound };
  const withBand = unit ? { ...common, hysteresis: band } : common;
  const symbol = f.symbol.trim();
  switch (f.kind) {
    case 'price-cross':
      return { ...withBand, kind: 'price-cross', symbol, direction: f.crossDirection, level: f.level.trim() };
    case 'percent-move':
      return {
        ...withBand,
        kind: 'percent-move',
        symbol,
        percent: num(f.percent),
        windowMs: f.windowMs,
        direction: f.moveDirection,
      };
    case 'indicator':
      return f.indicator === 'rsi'
        ? {
            ...withBand,
            kind: 'indicator',
            indicator: 'rsi',
            symbol,
            timeframe: f.timeframe,
            params: { period: num(f.rsiPeriod) },
            condition: f.rsiCondition,
            level: num(f.rsiLevel),
          }
        : {
            ...withBand,
            kind: 'indicator',
            indicator: 'macd',
            symbol,
            timeframe: f.timeframe,
            params: {},
            condition: f.macdCondition,
          };
    case 'order-filled':
      return { ...common, kind: 'order-filled', symbol: orNull(symbol) };
    case 'risk': {
      const e = f.riskEvent;
      const threshold =
        e === 'drawdown' ? num(f.threshold) / 100 : e === 'correlation-shock' ? num(f.threshold) : null;
      const sym = e === 'feed-stale' || e === 'correlation-shock' ? orNull(symbol) : null;
      return { ...withBand, kind: 'risk', event: e, threshold, symbol: sym };
    }
  }
}

/** Which form field shows an engine problem reported on `path`. */
export function fieldOfPath(path: string, f: AlertFormFields): string {
  if (path === 'hysteresis') return 'band';
  if (path === 'params') return 'rsiPeriod';
  if (path === 'level') return f.kind === 'indicator' ? 'rsiLevel' : 'level';
  if (path === 'direction') return f.kind === 'percent-move' ? 'moveDirection' : 'crossDirection';
  if (path === 'condition') return f.indicator === 'rsi' ? 'rsiCondition' : 'macdCondition';
  if (path === 'event') return 'riskEvent';
  return path;
}
