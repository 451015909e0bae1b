import { describe, expect, it } from 'vitest';
import { fillSpec, macdSpec, percentMoveSpec, priceCrossSpec, riskSpec, rsiSpec } from './test-support.js';
import { validateAlert, type AlertProblem } from './validate-alert.js';

const symbols = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BTC/EUR'];
const ctx = { symbols };

function problemsOf(input: unknown, context = ctx): AlertProblem[] {
  const r = validateAlert(input, context);
  if (r.ok) throw new Error(`expected problems, the spec was accepted: ${JSON.stringify(r.spec)}`);
  return r.problems;
}

function only(input: unknown, path: string, context = ctx): AlertProblem {
  const ps = problemsOf(input, context);
  expect(ps.map((p) => p.path)).toEqual([path]);
  return ps[0] as AlertProblem;
}

describe('validateAlert accepts', () => {
  it('a valid spec of every kind, normalised', () => {
    for (const spec of [
      priceCrossSpec(),
      percentMoveSpec(),
      rsiSpec(),
      macdSpec(),
      fillSpec(),
      riskSpec(),
      riskSpec({ event: 'drawdown', threshold: 0.1 }),
      riskSpec({ event: 'correlation-shock', threshold: 0.5, symbol: 'SOL/USDT' }),
      riskSpec({ event: 'feed-stale', symbol: 'ETH/USDT' }),
    ]) {
      const r = validateAlert(spec, ctx);
      expect(r).toEqual({ ok: true, spec });
    }
  });

  it('writes the level as plain decimal text, trims the name and fills absent optionals with null', () => {
    const raw: Record<string, unknown> = { ...fillSpec(), name: '  My fills  ' };
    delete raw.accountId;
    delete raw.symbol;
    delete raw.snoozedUntil;
    const r = validateAlert(raw, ctx);
    expect(r.ok && r.spec).toMatchObject({
      name: 'My fills',
      accountId: null,
      symbol: null,
      snoozedUntil: null,
    });
    const p = validateAlert(priceCrossSpec({ level: ' 70000.50 ' }), ctx);
    expect(p.ok && p.spec.kind === 'price-cross' && p.spec.level).toBe('70000.5');
  });

  it('does not change the input', () => {
    const spec = priceCrossSpec({ level: '70000.50' });
    const copy = structuredClone(spec);
    validateAlert(spec, ctx);
    expect(spec).toEqual(copy);
  });
});

describe('validateAlert refuses an unknown symbol with the reason and the fix', () => {
  it('suggests the listed spelling of the same market', () => {
    const p = only(priceCrossSpec({ symbol: 'btcusdt' }), 'symbol');
    expect(p.message).toBe('"btcusdt" is not a market on this exchange, so the alert could never fire');
    expect(p.fix).toBe('use "BTC/USDT"');
  });

  it('suggests markets of the same base when the quote is unknown', () => {
    const p = only(percentMoveSpec({ symbol: 'BTC/USDX' }), 'symbol');
    expect(p.fix).toBe('use "BTC/USDT" or "BTC/EUR"');
  });

  it('names examples when nothing is close', () => {
    const p = only(rsiSpec({ symbol: 'DOGE/XYZ' }), 'symbol');
    expect(p.fix).toBe('choose a symbol from the market list, e.g. "BTC/USDT", "ETH/USDT", "SOL/USDT"');
  });

  it('says the market list is missing rather than calling every symbol unknown', () => {
    const p = only(priceCrossSpec(), 'symbol', { symbols: [] });
    expect(p.message).toContain('no market list is loaded yet');
    expect(p.fix).toContain('connect to the exchange once');
  });

  it('checks the optional symbols of fill and risk alerts too', () => {
    only(fillSpec({ symbol: 'XRP/USDT' }), 'symbol');
    only(riskSpec({ event: 'feed-stale', symbol: 'XRP/USDT' }), 'symbol');
    only(riskSpec({ event: 'correlation-shock', threshold: 0.5, symbol: 'XRP/USDT' }), 'symbol');
  });

  it('skips the market check only when told to (symbols: null)', () => {
    expect(validateAlert(priceCrossSpec({ symbol: 'XRP/USDT' }), { symbols: null }).ok).toBe(true);
  });
});

describe('validateAlert refuses bad fields, naming each', () => {
  it('something that is not an alert at all', () => {
    for (const x of [null, 3, 'alert', [priceCrossSpec()]]) {
      const ps = problemsOf(x);
      expect(ps).toHaveLength(1);
      expect(ps[0]?.path).toBe('');
    }
  });

  it('lists every problem at once', () => {
    const ps = problemsOf({ ...priceCrossSpec(), name: '', repeat: 'sometimes', level: 70000, sound: 'yes' });
    expect(ps.map((p) => p.path).sort()).toEqual(['level', 'name', 'repeat', 'sound']);
    expect(ps.find((p) => p.path === 'level')?.fix).toBe('write it in quotes: "70000"');
  });

  it('the version: missing, newer, or wrong', () => {
    const noV: Record<string, unknown> = { ...priceCrossSpec() };
    delete noV.v;
    expect(only(noV, 'v').fix).toBe('set v to 1');
    expect(only({ ...priceCrossSpec(), v: 2 }, 'v').message).toContain('newer version of Lyra');
    only({ ...priceCrossSpec(), v: '1' }, 'v');
  });

  it('common fields', () => {
    only(priceCrossSpec({ id: '   ' }), 'id');
    only(priceCrossSpec({ id: 'x'.repeat(129) }), 'id');
    only(priceCrossSpec({ name: 'a\nb' }), 'name');
    only(priceCrossSpec({ snoozedUntil: -5 }), 'snoozedUntil');
    only(priceCrossSpec({ snoozedUntil: 1.5 }), 'snoozedUntil');
    only(priceCrossSpec({ enabled: 1 as never }), 'enabled');
    only(priceCrossSpec({ createdAt: NaN }), 'createdAt');
    const p = only({ ...priceCrossSpec(), kind: 'price' }, 'kind');
    expect(p.fix).toContain('"price-cross"');
  });

  it('unknown fields (a typo must not silently drop a setting)', () => {
    const p = only({ ...priceCrossSpec(), levle: '1' }, 'levle');
    expect(p.message).toBe('price-cross alerts have no field "levle"');
    expect(p.fix).toContain('level');
    only({ ...macdSpec(), level: 0 }, 'level');
  });

  it('hysteresis: within its kind’s range, and only where there is a level', () => {
    expect(only(priceCrossSpec({ hysteresis: 0.5 }), 'hysteresis').message).toContain(
      'fraction of the level',
    );
    only(priceCrossSpec({ hysteresis: -0.001 }), 'hysteresis');
    expect(only(rsiSpec({ hysteresis: 25 }), 'hysteresis').message).toContain('RSI points');
    expect(validateAlert(rsiSpec({ hysteresis: 5 }), ctx).ok).toBe(true);
    const p = only(fillSpec({ hysteresis: 0.01 }), 'hysteresis');
    expect(p.message).toContain('no level');
    only(riskSpec({ hysteresis: 0.1 }), 'hysteresis');
    expect(validateAlert(riskSpec({ event: 'drawdown', threshold: 0.2, hysteresis: 0.5 }), ctx).ok).toBe(
      true,
    );
  });

  it('price-cross: direction and level', () => {
    only(priceCrossSpec({ direction: 'up' as never }), 'direction');
    for (const level of ['-1', '0', 'abc', '', '1e400000'])
      expect(only(priceCrossSpec({ level }), 'level').path).toBe('level');
  });

  it('percent-move: percent, window, and falls of 100 % or more', () => {
    only(percentMoveSpec({ percent: 0 }), 'percent');
    only(percentMoveSpec({ percent: Infinity }), 'percent');
    expect(only(percentMoveSpec({ direction: 'down', percent: 100 }), 'percent').message).toContain(
      'a fall cannot reach 100 %',
    );
    expect(validateAlert(percentMoveSpec({ direction: 'up', percent: 150 }), ctx).ok).toBe(true);
    only(percentMoveSpec({ windowMs: 500 }), 'windowMs');
    only(percentMoveSpec({ windowMs: 60_000.5 }), 'windowMs');
    only(percentMoveSpec({ windowMs: 31 * 86_400_000 }), 'windowMs');
  });

  it('indicator: timeframe, indicator, params, condition and level', () => {
    expect(only(rsiSpec({ timeframe: '2h' as never }), 'timeframe').message).toContain('"1m", "5m"');
    const sma = problemsOf({ ...rsiSpec(), indicator: 'sma' });
    expect(sma.map((p) => p.path)).toEqual(['indicator']);
    expect(only(rsiSpec({ params: { period: 1 } }), 'params').message).toContain('rsi period');
    expect(only(rsiSpec({ params: { length: 14 } as never }), 'params').message).toContain(
      'has no param "length"',
    );
    expect(only(macdSpec({ params: { fast: 30, slow: 26 } }), 'params').message).toContain(
      'fast (30) must be shorter',
    );
    only(rsiSpec({ params: [14] as never }), 'params');
    only(rsiSpec({ condition: 'cross-above' as never }), 'condition');
    only(macdSpec({ condition: 'above' as never }), 'condition');
    only(rsiSpec({ level: 100 }), 'level');
    only(rsiSpec({ level: 0 }), 'level');
  });

  it('order-filled: account id', () => {
    only(fillSpec({ accountId: '' }), 'accountId');
    expect(validateAlert(fillSpec({ accountId: 'paper', symbol: 'BTC/USDT' }), ctx).ok).toBe(true);
  });

  it('risk: event, threshold where needed and only there, symbol only where it means something', () => {
    only(riskSpec({ event: 'margin-call' as never }), 'event');
    expect(only(riskSpec({ event: 'drawdown' }), 'threshold').fix).toBe('set it to e.g. 0.1 (for 10 %)');
    only(riskSpec({ event: 'drawdown', threshold: 10 }), 'threshold');
    only(riskSpec({ event: 'correlation-shock' }), 'threshold');
    only(riskSpec({ event: 'breaker-tripped', threshold: 0.1 }), 'threshold');
    only(riskSpec({ event: 'feed-stale', threshold: 5000 }), 'threshold');
    expect(
      only(riskSpec({ event: 'drawdown', threshold: 0.1, symbol: 'BTC/USDT' }), 'symbol').message,
    ).toContain('measured on an account');
    only(riskSpec({ event: 'breaker-tripped', symbol: 'BTC/USDT' }), 'symbol');
  });
});
