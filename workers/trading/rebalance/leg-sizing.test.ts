import { describe, expect, it } from 'vitest';
import { dec } from '../../money/decimal.js';
import { sizeLeg } from './leg-sizing.js';
import { market } from './test-fixtures.js';

const rules = market('ETH', { stepSize: 0.001, amountDecimals: 3, minAmount: 0.01, minNotional: 10 }).rules;

describe('sizeLeg', () => {
  it('snaps down to the lot, never up', () => {
    expect(sizeLeg(rules, 'buy', dec('1.23499'), dec('2000'))).toEqual({ ok: true, amount: dec('1.234') });
  });

  it('says when the amount is below the minimum amount', () => {
    expect(sizeLeg(rules, 'sell', dec('0.0099'), dec('2000'))).toEqual({
      ok: false,
      reason: 'Selling 0.009 ETH is below the ETH/USDT minimum of 0.01 ETH.',
    });
  });

  it('says when the order value is below the minimum notional', () => {
    expect(sizeLeg(rules, 'buy', dec('0.02'), dec('100'))).toEqual({
      ok: false,
      reason: 'Buying 0.02 ETH (about 2 USDT) is below the ETH/USDT minimum order of 10 USDT.',
    });
  });

  it('says when the trade is less than one lot', () => {
    expect(sizeLeg(rules, 'buy', dec('0.0004'), dec('2000'))).toEqual({
      ok: false,
      reason: 'Buying 0.0004 ETH (about 0.8 USDT) is less than one lot (0.001 ETH) on ETH/USDT.',
    });
  });
});
