import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, dec } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import type { ClosedTrade } from '../types.js';
import {
  fixedFractional,
  kelly,
  kellyInputsFromTrades,
  minimumOrderAmount,
  riskParity,
  volatilityAdjusted,
  type SizingOutcome,
  type SizingResult,
} from './position-sizing.js';

function rulesWith(over: Partial<MarketRules> = {}): MarketRules {
  return {
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    tick: dec('0.01'),
    step: dec('0.001'),
    minAmount: dec('0.001'),
    minNotional: dec('5'),
    maker: dec('0.001'),
    taker: dec('0.001'),
    priceDecimals: 2,
    amountDecimals: 3,
    ...over,
  };
}

const rules = rulesWith();
const equity = dec('10000');

function ok(outcome: SizingOutcome): SizingResult {
  if ('error' in outcome) throw new Error(`unexpected error: ${outcome.error}`);
  return outcome;
}

function trades(pnls: string[]): ClosedTrade[] {
  return pnls.map((pnl, i) => ({
    id: `t${i}`,
    accountId: 'paper1',
    symbol: 'BTC/USDT',
    amount: '1',
    entry: '100',
    exit: '100',
    pnl,
    time: i,
  }));
}

describe('minimumOrderAmount', () => {
  it('is the largest of one lot, the minimum amount and the minimum order value, in lots', () => {
    expect(minimumOrderAmount(rules, dec('100'))).toEqual(dec('0.05'));
    expect(minimumOrderAmount(rules, dec('30000'))).toEqual(dec('0.001'));
    expect(minimumOrderAmount(rules, dec('3'))).toEqual(dec('1.667'));
    expect(minimumOrderAmount(rules, null)).toEqual(dec('0.001'));
    expect(minimumOrderAmount(rulesWith({ minAmount: null, minNotional: null }), dec('1'))).toEqual(
      dec('0.001'),
    );
  });
});

describe('fixedFractional', () => {
  it('risks the percent of equity between entry and stop', () => {
    const r = ok(fixedFractional({ equity, riskPct: 1, entry: dec('100'), stop: dec('95'), rules }));
    expect(r.amount).toEqual(dec('20'));
    expect(r.explanation).toContain('100 USDT over a stop distance of 5 USDT');
    // 20 BTC at 100 is 2000 USDT: within the equity, above the minimum.
    expect(r.warnings).toEqual([]);
  });

  it('rounds down to the lot and works for shorts (stop above entry)', () => {
    const r = ok(fixedFractional({ equity, riskPct: 1, entry: dec('100'), stop: dec('103'), rules }));
    expect(r.amount).toEqual(dec('33.333'));
  });

  it('warns below the market minimum and above the equity', () => {
    const small = ok(
      fixedFractional({ equity: dec('10'), riskPct: 1, entry: dec('100'), stop: dec('90'), rules }),
    );
    expect(small.amount).toEqual(dec('0.01'));
    expect(small.warnings).toEqual([
      '0.01 BTC is below the market minimum of 0.001 BTC and an order value of 5 USDT, i.e. at least 0.05 BTC at 100: the exchange would reject it.',
    ]);
    const tight = ok(fixedFractional({ equity, riskPct: 2, entry: dec('100'), stop: dec('99.9'), rules }));
    expect(tight.amount).toEqual(dec('2000'));
    expect(tight.warnings).toEqual([
      'The position is worth 200000.00 USDT, more than the equity of 10000 USDT.',
    ]);
  });

  it('refuses unusable input', () => {
    expect(fixedFractional({ equity, riskPct: 1, entry: dec('100'), stop: dec('100'), rules })).toEqual({
      error: 'The stop must differ from the entry price.',
    });
    expect(
      fixedFractional({ equity: dec('0'), riskPct: 1, entry: dec('100'), stop: dec('90'), rules }),
    ).toHaveProperty('error');
    expect(fixedFractional({ equity, riskPct: 0, entry: dec('100'), stop: dec('90'), rules })).toHaveProperty(
      'error',
    );
    expect(fixedFractional({ equity, riskPct: 1, entry: dec('100'), stop: dec('-1'), rules })).toHaveProperty(
      'error',
    );
  });
});

describe('kelly', () => {
  it('commits f = W − (1 − W) / R of equity, capped', () => {
    // f = 0.6 − 0.4 / 2 = 0.4, capped at 0.25: 2500 USDT at 100.
    const r = ok(kelly({ equity, entry: dec('100'), rules, winRate: 0.6, payoff: 2, fractionCap: 0.25 }));
    expect(r.amount).toEqual(dec('25'));
    expect(r.explanation).toContain('0.4000, capped at 0.25');
    const uncapped = ok(kelly({ equity, entry: dec('100'), rules, winRate: 0.6, payoff: 2, fractionCap: 1 }));
    expect(uncapped.amount).toEqual(dec('40'));
  });

  it('sizes nothing without an edge', () => {
    const r = ok(kelly({ equity, entry: dec('100'), rules, winRate: 0.4, payoff: 1, fractionCap: 0.25 }));
    expect(r.amount).toEqual(Decimal.ZERO);
    expect(r.explanation).toMatch(/^No edge/);
    const never = ok(kelly({ equity, entry: dec('100'), rules, winRate: 0, payoff: 0, fractionCap: 0.25 }));
    expect(never.amount).toEqual(Decimal.ZERO);
  });

  it('refuses impossible statistics', () => {
    expect(
      kelly({ equity, entry: dec('100'), rules, winRate: 1.2, payoff: 2, fractionCap: 0.25 }),
    ).toHaveProperty('error');
    expect(
      kelly({ equity, entry: dec('100'), rules, winRate: 0.5, payoff: -1, fractionCap: 0.25 }),
    ).toHaveProperty('error');
    expect(
      kelly({ equity, entry: dec('100'), rules, winRate: 0.5, payoff: 2, fractionCap: 0 }),
    ).toHaveProperty('error');
  });
});

describe('kellyInputsFromTrades', () => {
  it('measures win rate and payoff from closed trades', () => {
    const pnls = [...Array<string>(8).fill('20'), ...Array<string>(4).fill('-10')];
    expect(kellyInputsFromTrades(trades(pnls))).toEqual({ winRate: 8 / 12, payoff: 2, trades: 12 });
    // A break-even trade lowers the win rate; an unreadable P&L is ignored.
    const mixed = kellyInputsFromTrades(trades([...pnls.slice(0, 9), '0', 'n/a']));
    expect(mixed).toEqual({ winRate: 8 / 10, payoff: 2, trades: 10 });
  });

  it('needs at least 10 trades and at least one loss', () => {
    expect(kellyInputsFromTrades(trades(Array<string>(9).fill('-1')))).toEqual({
      error: 'Kelly needs at least 10 closed trades; this account has 9.',
    });
    expect(kellyInputsFromTrades(trades(Array<string>(12).fill('5')))).toHaveProperty('error');
    expect(kellyInputsFromTrades(trades(Array<string>(12).fill('-5')))).toEqual({
      winRate: 0,
      payoff: 0,
      trades: 12,
    });
  });
});

describe('volatilityAdjusted', () => {
  it('puts the stop atr × multiple away', () => {
    const r = ok(
      volatilityAdjusted({ equity, riskPct: 1, atr: 2.5, atrMultiple: 2, entry: dec('100'), rules }),
    );
    expect(r.amount).toEqual(dec('20'));
    expect(r.explanation).toContain('2 × ATR 2.5 = 5.00 USDT');
  });

  it('refuses a missing ATR or multiple', () => {
    expect(
      volatilityAdjusted({ equity, riskPct: 1, atr: NaN, atrMultiple: 2, entry: dec('100'), rules }),
    ).toHaveProperty('error');
    expect(
      volatilityAdjusted({ equity, riskPct: 1, atr: 2, atrMultiple: 0, entry: dec('100'), rules }),
    ).toHaveProperty('error');
  });
});

describe('riskParity', () => {
  const eth = { symbol: 'ETH/USDT', amount: dec('3'), price: 2000, volatility: 0.5 };

  it('weights by inverse volatility and subtracts what is held', () => {
    // Weights 1/0.25 : 1/0.5 = 2/3 : 1/3; 2/3 of 10000 at 100 is 66.666 BTC, 10 held.
    const r = ok(
      riskParity({
        equity,
        holdings: [eth, { symbol: 'BTC/USDT', amount: dec('10'), price: 100, volatility: 0.3 }],
        target: { symbol: 'BTC/USDT', price: dec('100'), volatility: 0.25 },
        rules,
      }),
    );
    expect(r.amount).toEqual(dec('56.666'));
    expect(r.explanation).toContain('66.67 % of 10000 USDT (inverse volatility across 2 assets)');
  });

  it('sizes nothing when the target is already over its weight', () => {
    const r = ok(
      riskParity({
        equity,
        holdings: [eth, { symbol: 'BTC/USDT', amount: dec('80'), price: 100, volatility: 0.25 }],
        target: { symbol: 'BTC/USDT', price: dec('100'), volatility: 0.25 },
        rules,
      }),
    );
    expect(r.amount).toEqual(Decimal.ZERO);
    expect(r.explanation).toContain('already at or over its weight');
  });

  it('refuses an unknown volatility', () => {
    expect(
      riskParity({
        equity,
        holdings: [{ ...eth, volatility: 0 }],
        target: { symbol: 'BTC/USDT', price: dec('100'), volatility: 0.25 },
        rules,
      }),
    ).toEqual({ error: 'The volatility of ETH/USDT is unknown or zero: load its candles first.' });
  });
});

describe('properties', () => {
  const lot = fc.constantFrom('1', '0.1', '0.001', '0.005', '0.00001');
  const money = (max: number) => fc.integer({ min: 1, max }).map((cents) => dec(cents).div(100, 2, 'floor'));
  const riskPct = fc.integer({ min: 1, max: 1000 }).map((x) => x / 100);

  function valid(outcome: SizingOutcome, step: string) {
    if ('error' in outcome) return;
    expect(outcome.amount.isNegative()).toBe(false);
    expect(outcome.amount.isMultipleOf(dec(step))).toBe(true);
  }

  it('no rule returns a negative amount or one off the lot', () => {
    fc.assert(
      fc.property(
        lot,
        money(100_000_000),
        riskPct,
        money(10_000_000),
        money(10_000_000),
        fc.double({ min: 0.0001, max: 1000, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        fc.array(fc.tuple(fc.double({ min: 0.01, max: 5, noNaN: true }), money(1_000_000)), { maxLength: 5 }),
        (step, eq, risk, entry, stop, atr, multiple, winRate, payoff, others) => {
          const r = rulesWith({ step: dec(step) });
          valid(fixedFractional({ equity: eq, riskPct: risk, entry, stop, rules: r }), step);
          valid(
            volatilityAdjusted({ equity: eq, riskPct: risk, atr, atrMultiple: multiple, entry, rules: r }),
            step,
          );
          valid(kelly({ equity: eq, entry, rules: r, winRate, payoff, fractionCap: 0.5 }), step);
          const holdings = others.map(([volatility, amount], i) => ({
            symbol: i === 0 ? 'BTC/USDT' : `X${i}/USDT`,
            amount,
            price: 10,
            volatility,
          }));
          valid(
            riskParity({
              equity: eq,
              holdings,
              target: { symbol: 'BTC/USDT', price: entry, volatility: atr },
              rules: r,
            }),
            step,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers any float statistic (tiny, huge, NaN, infinite) with a sized result or an error, never a throw', () => {
    fc.assert(
      fc.property(
        lot,
        money(10_000_000),
        money(100_000),
        fc.array(fc.double(), { minLength: 6, maxLength: 6 }),
        (step, eq, entry, x) => {
          const r = rulesWith({ step: dec(step) });
          const [a, b, c, d, e, f] = x as [number, number, number, number, number, number];
          valid(fixedFractional({ equity: eq, riskPct: a, entry, stop: entry.add(1), rules: r }), step);
          valid(
            volatilityAdjusted({ equity: eq, riskPct: a, atr: b, atrMultiple: c, entry, rules: r }),
            step,
          );
          valid(kelly({ equity: eq, entry, rules: r, winRate: d, payoff: e, fractionCap: f }), step);
          valid(
            riskParity({
              equity: eq,
              holdings: [{ symbol: 'ETH/USDT', amount: dec('1'), price: 10, volatility: b }],
              target: { symbol: 'BTC/USDT', price: entry, volatility: c },
              rules: r,
            }),
            step,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
