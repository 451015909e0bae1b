import { isTimeframe, timeframes, type Timeframe } from '../market/timeframes.js';
import { Decimal } from '../money/decimal.js';
import { findIndicator, indicatorParamProblems } from '../research/indicators/catalogue.js';
import { hysteresisRules, type HysteresisRuleName } from './level-crossing.js';
import {
  ALERT_SPEC_VERSION,
  alertKinds,
  crossDirections,
  moveDirections,
  riskEventKinds,
  type AlertKind,
  type AlertSpec,
  type RiskEventKind,
} from './types.js';

/**
 * Checks an alert spec field by field before it is stored or evaluated. Every problem names the field
 * (`path`), says what is wrong with the value received and how to fix it; all problems are listed at
 * once so a form can mark every field. A symbol the exchange does not list is refused: such an alert
 * could never fire, and silence would look like "nothing happened".
 *
 * On success the spec comes back normalised: optional fields present as null, the level as plain
 * decimal text, the name trimmed.
 */

export interface AlertProblem {
  /** The field, e.g. "level" or "params". Empty for the spec as a whole. */
  path: string;
  message: string;
  fix: string;
}

export type AlertValidation = { ok: true; spec: AlertSpec } | { ok: false; problems: AlertProblem[] };

export interface ValidateAlertContext {
  /**
   * The symbols of the markets the exchange lists. null skips the check: for code that re-checks
   * stored specs without the market list (the evaluator); anything a user creates is checked against it.
   */
  symbols: Iterable<string> | null;
}

/** Thrown where a spec must be valid (the evaluator's `upsert`); `problems` are validateAlert's. */
export class AlertSpecError extends Error {
  override name = 'AlertSpecError';
  constructor(readonly problems: AlertProblem[]) {
    super(problems.map((p) => `${p.path || 'alert'}: ${p.message}; ${p.fix}`).join(' | '));
  }
}

const MAX_ID = 128;
const MAX_NAME = 120;
const MAX_WINDOW_MS = 30 * 86_400_000;
const MIN_WINDOW_MS = 1000;
const MAX_PERCENT = 1000;

const commonFields = [
  'v',
  'id',
  'name',
  'kind',
  'repeat',
  'hysteresis',
  'snoozedUntil',
  'sound',
  'enabled',
  'createdAt',
] as const;

function kindFields(kind: AlertKind, indicator: unknown): readonly string[] {
  switch (kind) {
    case 'price-cross':
      return ['symbol', 'direction', 'level'];
    case 'percent-move':
      return ['symbol', 'percent', 'windowMs', 'direction'];
    case 'indicator':
      return indicator === 'macd'
        ? ['symbol', 'timeframe', 'indicator', 'params', 'condition']
        : ['symbol', 'timeframe', 'indicator', 'params', 'condition', 'level'];
    case 'order-filled':
      return ['accountId', 'symbol'];
    case 'risk':
      return ['event', 'threshold', 'symbol'];
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}

const quoted = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(', ');

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Known symbols and a way to find what the user probably meant. */
class KnownSymbols {
  readonly set: Set<string>;
  private readonly compact = new Map<string, string[]>();

  constructor(symbols: Iterable<string>) {
    this.set = new Set(symbols);
    for (const s of this.set) {
      const key = KnownSymbols.squash(s);
      const list = this.compact.get(key);
      if (list) list.push(s);
      else this.compact.set(key, [s]);
    }
  }

  private static squash(s: string): string {
    return s.toUpperCase().replace(/[^A-Z0-9]/g, '');
  }

  /** Same letters in another case or with other separators ("btcusdt"), else markets of the same base. */
  suggest(symbol: string): string[] {
    const same = this.compact.get(KnownSymbols.squash(symbol));
    if (same) return same.slice(0, 3);
    const base = symbol.toUpperCase().split(/[/:\-_ ]/)[0] ?? '';
    if (base === '') return [];
    return [...this.set].filter((s) => s.toUpperCase().split(/[/:]/)[0] === base).slice(0, 3);
  }

  examples(): string[] {
    return [...this.set].slice(0, 3);
  }
}

class Checker {
  readonly problems: AlertProblem[] = [];

  constructor(
    private readonly o: Record<string, unknown>,
    private readonly symbols: KnownSymbols | null,
  ) {}

  problem(path: string, message: string, fix: string): void {
    this.problems.push({ path, message, fix });
  }

  oneOf<T extends string>(path: string, allowed: readonly T[], what: string): T | null {
    const v = this.o[path];
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    this.problem(
      path,
      `${what} must be one of ${quoted(allowed)}, got ${describe(v)}`,
      `set it to ${quoted(allowed)}`,
    );
    return null;
  }

  boolean(path: string): boolean | null {
    const v = this.o[path];
    if (typeof v === 'boolean') return v;
    this.problem(path, `${path} must be true or false, got ${describe(v)}`, `set it to true or false`);
    return null;
  }

  text(path: string, max: number, example: string): string | null {
    const v = this.o[path];
    const t = typeof v === 'string' ? v.trim() : '';
    if (typeof v !== 'string' || t === '')
      this.problem(
        path,
        `${path} must be non-empty text, got ${describe(v)}`,
        `give it one, e.g. "${example}"`,
      );
    else if (t.length > max)
      this.problem(
        path,
        `${path} is ${t.length} characters long, more than ${max}`,
        `shorten it to ${max} or fewer`,
      );
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f]/.test(t))
      this.problem(
        path,
        `${path} contains control characters`,
        'remove line breaks, tabs and other control characters',
      );
    else return t;
    return null;
  }

  /** An epoch-ms time: a whole number >= 0. `nullable`: null or absent is allowed and returned as null. */
  time(path: string, nullable: boolean): number | null | undefined {
    const v = this.o[path];
    if (nullable && (v === null || v === undefined)) return null;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
    this.problem(
      path,
      `${path} must be a time in epoch milliseconds (a whole number >= 0)${nullable ? ' or null' : ''}, got ${describe(v)}`,
      nullable
        ? `set it to e.g. Date.now() + 3600000 for an hour, or null for none`
        : 'set it to e.g. Date.now()',
    );
    return undefined;
  }

  /** A finite number with lo < x < hi (or <= when `inclusive` says so). */
  number(
    path: string,
    what: string,
    range: { lo: number; hi: number; loIn?: boolean; hiIn?: boolean; integer?: boolean },
    example: string,
  ): number | null {
    const v = this.o[path];
    const { lo, hi, loIn = false, hiIn = false, integer = false } = range;
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (integer ? Number.isInteger(v) : true) &&
      (loIn ? v >= lo : v > lo) &&
      (hiIn ? v <= hi : v < hi);
    if (ok) return v;
    const bounds = `${loIn ? 'from' : 'above'} ${lo} ${hiIn ? 'up to' : 'below'} ${hi}`;
    const whole = integer ? 'a whole number' : 'a number';
    this.problem(path, `${what} must be ${whole} ${bounds}, got ${describe(v)}`, `set it to e.g. ${example}`);
    return null;
  }

  /** A known market symbol; `optional`: null or absent is allowed and returned as null. */
  symbol(path: string, optional: boolean): string | null | undefined {
    const v = this.o[path];
    if (optional && (v === null || v === undefined)) return null;
    if (typeof v !== 'string' || v.trim() === '') {
      this.problem(
        path,
        `symbol must be a market symbol such as "BTC/USDT"${optional ? ' or null for every market' : ''}, got ${describe(v)}`,
        'choose the market from the list of markets',
      );
      return undefined;
    }
    const known = this.symbols;
    if (known === null || known.set.has(v)) return v;
    if (known.set.size === 0) {
      this.problem(
        path,
        `"${v}" cannot be checked because no market list is loaded yet`,
        'connect to the exchange once so Lyra can load its markets, then save the alert again',
      );
      return undefined;
    }
    const near = known.suggest(v);
    this.problem(
      path,
      `"${v}" is not a market on this exchange, so the alert could never fire`,
      near.length > 0
        ? `use ${near.map((s) => `"${s}"`).join(' or ')}`
        : `choose a symbol from the market list, e.g. ${quoted(known.examples())}`,
    );
    return undefined;
  }

  absent(path: string, why: string): void {
    const v = this.o[path];
    if (v !== null && v !== undefined)
      this.problem(
        path,
        `${path} must be null here: ${why}, got ${describe(v)}`,
        `remove it or set it to null`,
      );
  }
}

function ruleFor(kind: AlertKind, indicator: unknown, event: unknown): HysteresisRuleName | null {
  if (kind === 'price-cross' || kind === 'percent-move') return kind;
  if (kind === 'indicator') return indicator === 'rsi' || indicator === 'macd' ? indicator : null;
  if (kind === 'risk') return event === 'drawdown' || event === 'correlation-shock' ? event : null;
  return null;
}

function checkHysteresis(
  c: Checker,
  o: Record<string, unknown>,
  kind: AlertKind,
  rule: HysteresisRuleName | null,
) {
  const v = o.hysteresis;
  if (rule === null) {
    const what = kind === 'order-filled' ? 'fill' : kind === 'risk' ? `${String(o.event)}` : kind;
    c.absent('hysteresis', `${what} alerts have no level to keep a band around`);
    return null;
  }
  if (v === null || v === undefined) return null;
  const r = hysteresisRules[rule];
  return c.number(
    'hysteresis',
    `hysteresis (${r.unit})`,
    { lo: 0, hi: r.max, loIn: true, hiIn: true },
    `${r.default} (the default, also what null gives)`,
  );
}

function checkLevel(c: Checker, o: Record<string, unknown>): string | null {
  const v = o.level;
  if (typeof v !== 'string') {
    c.problem(
      'level',
      `level must be a price written as decimal text such as "70000.5", got ${describe(v)}`,
      typeof v === 'number' && Number.isFinite(v)
        ? `write it in quotes: "${v}"`
        : 'enter the price, e.g. "70000"',
    );
    return null;
  }
  const d = Decimal.tryFrom(v);
  if (d === null || !d.isPositive()) {
    c.problem(
      'level',
      `level must be a price above 0, got ${describe(v)}`,
      'enter the price in plain digits, e.g. "70000.5"',
    );
    return null;
  }
  return d.toString();
}

function checkParams(
  c: Checker,
  o: Record<string, unknown>,
  indicator: 'rsi' | 'macd',
): Record<string, number> | null {
  const v = o.params ?? {};
  const defaults = (findIndicator(indicator)?.params ?? []).map((p) => `${p.name} ${p.default}`).join(', ');
  if (!isRecord(v)) {
    c.problem(
      'params',
      `params must be a set of named numbers, got ${describe(v)}`,
      `use e.g. {} for the defaults (${defaults})`,
    );
    return null;
  }
  const problems = indicatorParamProblems(indicator, v as Record<string, number>);
  for (const p of problems)
    c.problem('params', p, `fix that param, or leave it out for the default (${defaults})`);
  return problems.length === 0 ? ({ ...v } as Record<string, number>) : null;
}

/** Checks `input` as an alert spec; `context.symbols` are the markets a symbol must be one of. */
export function validateAlert(input: unknown, context: ValidateAlertContext): AlertValidation {
  if (!isRecord(input))
    return {
      ok: false,
      problems: [
        {
          path: '',
          message: `an alert must be a set of named fields, got ${describe(input)}`,
          fix: 'create it from the alert form or pass an object with kind, id, name and the fields of its kind',
        },
      ],
    };
  const o = input;
  const c = new Checker(o, context.symbols === null ? null : new KnownSymbols(context.symbols));

  if (o.v === undefined) c.problem('v', 'the format version v is missing', `set v to ${ALERT_SPEC_VERSION}`);
  else if (typeof o.v === 'number' && Number.isInteger(o.v) && o.v > ALERT_SPEC_VERSION)
    c.problem(
      'v',
      `this alert was saved by a newer version of Lyra (format ${o.v})`,
      'update Lyra to use it',
    );
  else if (o.v !== ALERT_SPEC_VERSION)
    c.problem('v', `v must be ${ALERT_SPEC_VERSION}, got ${describe(o.v)}`, `set v to ${ALERT_SPEC_VERSION}`);
  const id = c.text('id', MAX_ID, 'alert-1');
  const name = c.text('name', MAX_NAME, 'BTC above 70,000');
  const kind = c.oneOf('kind', alertKinds, 'kind');
  const repeat = c.oneOf('repeat', ['once', 'every-crossing'] as const, 'repeat');
  const snoozedUntil = c.time('snoozedUntil', true);
  const sound = c.boolean('sound');
  const enabled = c.boolean('enabled');
  const createdAt = c.time('createdAt', false);
  if (kind === null) return { ok: false, problems: c.problems };

  const allowed = new Set<string>([...commonFields, ...kindFields(kind, o.indicator)]);
  for (const key of Object.keys(o))
    if (!allowed.has(key))
      c.problem(
        key,
        `${kind} alerts have no field "${key}"`,
        `remove it, or check the spelling: the fields are ${[...allowed].join(', ')}`,
      );

  const hysteresis = checkHysteresis(c, o, kind, ruleFor(kind, o.indicator, o.event));
  const common = {
    v: ALERT_SPEC_VERSION,
    id,
    name,
    repeat,
    hysteresis,
    snoozedUntil,
    sound,
    enabled,
    createdAt,
  };
  let spec: Record<string, unknown> | null = null;

  switch (kind) {
    case 'price-cross': {
      const symbol = c.symbol('symbol', false);
      const direction = c.oneOf('direction', crossDirections, 'direction');
      const level = checkLevel(c, o);
      spec = { ...common, kind, symbol, direction, level };
      break;
    }
    case 'percent-move': {
      const symbol = c.symbol('symbol', false);
      const direction = c.oneOf('direction', moveDirections, 'direction');
      const falls = direction === 'down';
      const percent = c.number(
        'percent',
        falls ? 'percent (a fall cannot reach 100 %)' : 'percent',
        { lo: 0, hi: falls ? 100 : MAX_PERCENT, hiIn: !falls },
        '5 (for 5 %)',
      );
      const windowMs = c.number(
        'windowMs',
        'windowMs (the window in milliseconds)',
        { lo: MIN_WINDOW_MS, hi: MAX_WINDOW_MS, loIn: true, hiIn: true, integer: true },
        '3600000 (one hour)',
      );
      spec = { ...common, kind, symbol, percent, windowMs, direction };
      break;
    }
    case 'indicator': {
      const symbol = c.symbol('symbol', false);
      const tf = o.timeframe;
      const timeframe: Timeframe | null = isTimeframe(tf) ? tf : null;
      if (timeframe === null)
        c.problem(
          'timeframe',
          `timeframe must be one of ${quoted(timeframes)}, got ${describe(tf)}`,
          'set it to e.g. "1h"',
        );
      const indicator = c.oneOf('indicator', ['rsi', 'macd'] as const, 'indicator');
      if (indicator === 'rsi') {
        const params = checkParams(c, o, 'rsi');
        const condition = c.oneOf('condition', ['above', 'below'] as const, 'condition of an RSI alert');
        const level = c.number('level', 'the RSI level', { lo: 0, hi: 100 }, '70 (or 30 with "below")');
        spec = { ...common, kind, indicator, symbol, timeframe, params, condition, level };
      } else if (indicator === 'macd') {
        const params = checkParams(c, o, 'macd');
        const condition = c.oneOf(
          'condition',
          ['cross-above', 'cross-below'] as const,
          'condition of a MACD alert',
        );
        spec = { ...common, kind, indicator, symbol, timeframe, params, condition };
      }
      break;
    }
    case 'order-filled': {
      const accountId =
        o.accountId === null || o.accountId === undefined ? null : c.text('accountId', MAX_ID, 'paper');
      const symbol = c.symbol('symbol', true);
      spec = { ...common, kind, accountId, symbol };
      break;
    }
    case 'risk': {
      const event = c.oneOf<RiskEventKind>('event', riskEventKinds, 'event');
      let threshold: number | null = null;
      let symbol: string | null | undefined = null;
      if (event === 'drawdown') {
        threshold = c.number(
          'threshold',
          'the drawdown threshold (a fraction of the peak)',
          { lo: 0, hi: 1 },
          '0.1 (for 10 %)',
        );
        c.absent('symbol', 'drawdown is measured on an account, not a market');
      } else if (event === 'correlation-shock') {
        threshold = c.number(
          'threshold',
          'the correlation-shock threshold (change of correlation)',
          { lo: 0, hi: 2, hiIn: true },
          '0.5',
        );
        symbol = c.symbol('symbol', true);
      } else if (event === 'breaker-tripped') {
        c.absent('threshold', 'a breaker trips at the limits set in Settings > Risk');
        c.absent('symbol', 'circuit breakers halt an account, not a market');
      } else if (event === 'feed-stale') {
        c.absent('threshold', 'the feed is stale by the staleness limit set in Settings > Risk');
        symbol = c.symbol('symbol', true);
      }
      spec = { ...common, kind, event, threshold, symbol };
      break;
    }
  }
  if (c.problems.length > 0 || spec === null) return { ok: false, problems: c.problems };
  return { ok: true, spec: spec as unknown as AlertSpec };
}
