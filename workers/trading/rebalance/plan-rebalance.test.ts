import { describe, expect, it } from 'vitest';
import { planRebalance } from './plan-rebalance.js';
import { context, market } from './test-fixtures.js';

const targets = (weights: Record<string, string>, tolerance = '2') => ({
  targets: Object.entries(weights).map(([asset, weight]) => ({ asset, weight })),
  tolerance,
  quote: 'USDT',
});

// 60,000 USDT: BTC 50 %, ETH 33.33 %, cash 16.67 %.
const holdings = [
  { asset: 'BTC', amount: '1', price: 30_000 },
  { asset: 'ETH', amount: '10', price: 2_000 },
  { asset: 'USDT', amount: '10000', price: 1 },
];

describe('planRebalance', () => {
  it('lists funds held by open orders as skipped instead of planning with them', () => {
    const plan = planRebalance(
      targets({ ETH: '100' }),
      context({
        holdings: [
          { asset: 'USDT', amount: '200', price: 1 },
          { asset: 'BTC', amount: '0.01', price: 30_000 },
          { asset: 'ETH', amount: '0', price: 2_000 },
        ],
        reserved: [{ asset: 'USDT', amount: '800' }],
      }),
    );
    expect(plan.total).toBe(500);
    expect(plan.skipped).toContainEqual({
      asset: 'USDT',
      reason: '800 USDT is held by open orders; cancel them to include it.',
    });
    const buy = plan.legs.find((l) => l.order.side === 'buy')!;
    // The buy fits the 200 free plus the sale of the BTC, not the 800 the open orders hold.
    expect(buy.notional).toBeLessThanOrEqual(500);
  });

  it('sells what is over target and buys what is under, to the target itself', () => {
    const plan = planRebalance(targets({ BTC: '40', ETH: '40', USDT: '20' }), context({ holdings }));
    expect(plan.ok).toBe(true);
    expect(plan.error).toBeNull();
    expect(plan.total).toBe(60_000);
    expect(plan.previews).toEqual([]);
    expect(plan.skipped).toEqual([]);
    expect(plan.rows.map((r) => [r.asset, r.targetWeight, r.outside, r.value])).toEqual([
      ['BTC', 0.4, true, 30_000],
      ['ETH', 0.4, true, 20_000],
      ['USDT', 0.2, true, 10_000],
    ]);
    expect(plan.rows[0]!.currentWeight).toBe(0.5);
    expect(plan.rows[0]!.drift).toBe(0.1);
    expect(plan.rows[1]!.drift).toBeCloseTo(-0.066667, 6);
    expect(plan.legs.map((l) => [l.id, l.order])).toEqual([
      ['rb-leg-1', { symbol: 'BTC/USDT', side: 'sell', type: 'market', amount: '0.2' }],
      ['rb-leg-2', { symbol: 'ETH/USDT', side: 'buy', type: 'market', amount: '2' }],
    ]);
    expect(plan.legs[0]!.notional).toBe(6_000);
    expect(plan.legs[0]!.estFee).toBe(6);
    expect(plan.legs[1]!.notional).toBe(4_000);
    expect(plan.legs[0]!.note).toBe('Back to the 40 % target, not just inside the ±2 point band: 50 % now.');
  });

  it('leaves assets inside their band alone', () => {
    const plan = planRebalance(targets({ BTC: '49', ETH: '34', USDT: '17' }), context({ holdings }));
    expect(plan.ok).toBe(true);
    expect(plan.rows.every((r) => !r.outside)).toBe(true);
    expect(plan.legs).toEqual([]);
  });

  it('refuses targets that do not add up to 100, with the difference', () => {
    const plan = planRebalance(targets({ BTC: '40', ETH: '57.5' }), context({ holdings }));
    expect(plan.ok).toBe(false);
    expect(plan.error).toBe('Targets add up to 97.5 %: 2.5 % short of 100 %.');
    expect(plan.legs).toEqual([]);
  });

  it('refuses targets without a price, naming them, instead of valuing them at zero', () => {
    const plan = planRebalance(
      targets({ BTC: '50', SOL: '25', DOGE: '25' }),
      context({ holdings: [...holdings, { asset: 'SOL', amount: '3', price: null }] }),
    );
    expect(plan.ok).toBe(false);
    expect(plan.error).toBe(
      'No price for SOL, DOGE: connect to the market once or remove them from the targets.',
    );
  });

  it('leaves an unpriced holding outside the targets out of the total, with a note', () => {
    const plan = planRebalance(
      targets({ BTC: '50', ETH: '33.33', USDT: '16.67' }),
      context({ holdings: [...holdings, { asset: 'SOL', amount: '3', price: null }] }),
    );
    expect(plan.ok).toBe(true);
    expect(plan.total).toBe(60_000);
    expect(plan.skipped).toEqual([
      {
        asset: 'SOL',
        reason:
          'No price for SOL: it is left out of the total and not traded; connect to its market once to include it.',
      },
    ]);
  });

  it('sells all of a holding that is not in the targets, and says so', () => {
    const plan = planRebalance(
      targets({ BTC: '50', ETH: '50' }),
      context({ holdings: [...holdings, { asset: 'SOL', amount: '100.00005', price: 100 }] }),
    );
    expect(plan.ok).toBe(true);
    const sol = plan.legs.find((l) => l.order.symbol === 'SOL/USDT')!;
    // All of it, snapped down to the 0.0001 lot.
    expect(sol.order).toMatchObject({ side: 'sell', amount: '100' });
    expect(sol.note).toContain('SOL is not in the targets, so its target is 0 %: sell all of it');
    expect(plan.rows.find((r) => r.asset === 'SOL')).toMatchObject({ targetWeight: 0, outside: true });
  });

  it('merges rows of the same asset, keeping the price one of them has', () => {
    const plan = planRebalance(
      targets({ BTC: '50', USDT: '50' }, '0'),
      context({
        holdings: [
          { asset: 'BTC', amount: '0.5', price: null },
          { asset: 'btc', amount: '1.5', price: 100 },
          { asset: 'USDT', amount: '100', price: 1 },
        ],
      }),
    );
    expect(plan.ok).toBe(true);
    expect(plan.total).toBe(300);
    expect(plan.legs.map((l) => l.order)).toEqual([
      { symbol: 'BTC/USDT', side: 'sell', type: 'market', amount: '0.5' },
    ]);
  });

  it('buys an asset not held yet from its price row and the cash', () => {
    const plan = planRebalance(
      targets({ USDT: '50', SOL: '50' }, '1'),
      context({
        holdings: [
          { asset: 'USDT', amount: '1000', price: null },
          { asset: 'SOL', amount: '0', price: 40 },
        ],
      }),
    );
    expect(plan.ok).toBe(true);
    expect(plan.legs.map((l) => l.order)).toEqual([
      { symbol: 'SOL/USDT', side: 'buy', type: 'market', amount: '12.5' },
    ]);
  });

  it('skips a leg below the minimum order, and one without a market, saying why', () => {
    const plan = planRebalance(
      targets({ BTC: '49.96', XMR: '0', USDT: '50.04' }, '0'),
      context({
        holdings: [
          { asset: 'BTC', amount: '1', price: 10_000 },
          { asset: 'XMR', amount: '1', price: 10 },
          { asset: 'USDT', amount: '10000', price: 1 },
        ],
      }),
    );
    expect(plan.ok).toBe(true);
    expect(plan.legs).toEqual([]);
    expect(plan.skipped).toEqual([
      {
        asset: 'BTC',
        reason: 'Selling 0.0003 BTC (about 3 USDT) is below the BTC/USDT minimum order of 5 USDT.',
      },
      {
        asset: 'XMR',
        reason: 'No XMR/USDT market on this exchange, so XMR cannot be traded back to its target here.',
      },
    ]);
  });

  it('skips a leg smaller than one lot', () => {
    const plan = planRebalance(
      targets({ BTC: '50', USDT: '50' }, '0'),
      context({
        holdings: [
          { asset: 'BTC', amount: '1', price: 100 },
          { asset: 'USDT', amount: '99.99', price: 1 },
        ],
        markets: [market('BTC', { stepSize: 1, minNotional: null, amountDecimals: 0 })],
      }),
    );
    expect(plan.legs).toEqual([]);
    expect(plan.skipped[0]!.reason).toBe(
      'Selling 0.00005 BTC (about 0.005 USDT) is less than one lot (1 BTC) on BTC/USDT.',
    );
  });

  it('scales the buys down to the cash left after the sells and their fees, and says so', () => {
    const plan = planRebalance(
      targets({ BTC: '50', ETH: '50' }, '0'),
      context({
        holdings: [
          { asset: 'BTC', amount: '1', price: 100 },
          { asset: 'ETH', amount: '0', price: 10 },
        ],
        markets: [market('BTC', { minNotional: 1 }), market('ETH', { minNotional: 1 })],
      }),
    );
    expect(plan.ok).toBe(true);
    const [sell, buy] = plan.legs;
    expect(sell!.order).toMatchObject({ symbol: 'BTC/USDT', side: 'sell', amount: '0.5' });
    // 50 USDT of proceeds less a 0.05 fee leaves 49.95; 5 ETH would cost 50.05 with its fee.
    expect(buy!.order).toMatchObject({ symbol: 'ETH/USDT', side: 'buy', amount: '4.99' });
    expect(4.99 * 10 * 1.001).toBeLessThanOrEqual(49.95);
    expect(4.9901 * 10 * 1.001).toBeGreaterThan(49.95);
    expect(buy!.note).toContain('Scaled down to 99.8 % of the trade to target');
    expect(buy!.note).toContain('49.95 USDT of cash after the sells');
  });

  it('charges the market taker rate when it is above the context fee rate', () => {
    const plan = planRebalance(
      targets({ BTC: '50', ETH: '50' }, '0'),
      context({
        holdings: [
          { asset: 'BTC', amount: '1', price: 100 },
          { asset: 'ETH', amount: '0', price: 10 },
        ],
        markets: [
          market('BTC', { minNotional: 1, taker: 0.01 }),
          market('ETH', { minNotional: 1, taker: 0.01 }),
        ],
      }),
    );
    const [sell, buy] = plan.legs;
    expect(sell!.estFee).toBeCloseTo(0.5, 12);
    // 49.5 USDT after the sell's 1 % fee; each ETH costs 10.1 with the fee.
    expect(buy!.order.amount).toBe('4.9009');
  });

  it('keeps a slippage allowance when asked', () => {
    const plan = planRebalance(
      targets({ ETH: '100' }, '0'),
      context({
        holdings: [
          { asset: 'USDT', amount: '1000', price: 1 },
          { asset: 'ETH', amount: '0', price: 10 },
        ],
        feeRate: '0',
        markets: [market('ETH', { taker: 0 })],
        slippage: '0.01',
      }),
    );
    expect(plan.legs[0]!.order.amount).toBe('99.0099');
  });

  it('skips every buy when no cash is left', () => {
    const plan = planRebalance(
      targets({ BTC: '50', ETH: '50' }, '1'),
      context({
        holdings: [
          { asset: 'BTC', amount: '1', price: 100 },
          { asset: 'ETH', amount: '0', price: 10 },
        ],
        markets: [market('ETH')],
      }),
    );
    expect(plan.legs).toEqual([]);
    expect(plan.skipped.map((s) => s.asset)).toEqual(['BTC', 'ETH']);
    expect(plan.skipped[1]!.reason).toBe('No USDT is left for the ETH buy after the sells and their fees.');
  });

  it('matches assets and the quote case-insensitively, spelling them as the account does', () => {
    const plan = planRebalance(
      targets({ btc: '40', eth: '40', usdt: '20' }),
      context({ holdings, quote: 'usdt' }),
    );
    expect(plan.ok).toBe(true);
    expect(plan.rows.map((r) => r.asset)).toEqual(['BTC', 'ETH', 'USDT']);
    expect(plan.legs.map((l) => l.order.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
  });

  it('puts sells before buys, largest first', () => {
    const plan = planRebalance(
      targets({ BTC: '10', ETH: '10', SOL: '40', USDT: '40' }, '0'),
      context({
        holdings: [
          { asset: 'BTC', amount: '1', price: 300 },
          { asset: 'ETH', amount: '1', price: 500 },
          { asset: 'SOL', amount: '1', price: 200 },
        ],
      }),
    );
    expect(plan.legs.map((l) => `${l.order.side} ${l.order.symbol}`)).toEqual([
      'sell ETH/USDT',
      'sell BTC/USDT',
      'buy SOL/USDT',
    ]);
  });

  it.each([
    [{ feeRate: 'x' }, 'fee rate'],
    [{ feeRate: '1' }, 'fee rate'],
    [{ slippage: '-0.1' }, 'slippage'],
    [{ quote: ' ' }, 'quote currency'],
    [{ holdings: [{ asset: 'BTC', amount: '-1', price: 1 }] }, 'BTC balance'],
    [{ holdings: [{ asset: 'USDT', amount: '0', price: 1 }] }, 'Nothing to rebalance'],
  ])('refuses a context with %j', (over, words) => {
    const plan = planRebalance(targets({ USDT: '100' }), context(over));
    expect(plan.ok).toBe(false);
    expect(plan.error).toContain(words);
  });
});
