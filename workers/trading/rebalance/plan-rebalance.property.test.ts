import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.js';
import { checkMarketRules } from '../../money/market-rules.js';
import { planRebalance, type RebalanceContext } from './plan-rebalance.js';
import { context, market } from './test-fixtures.js';

// Random accounts, markets and targets: whatever the plan, its legs obey the markets, the buys fit the
// cash, and every asset outside its band is brought back to target or explained.

const pool = ['AAA', 'BBB', 'CCC', 'DDD'] as const;
const steps = [1, 0.1, 0.001, 0.00001] as const;

const assetArb = fc.record({
  stepIndex: fc.integer({ min: 0, max: steps.length - 1 }),
  priceCents: fc.integer({ min: 1, max: 10_000_000 }),
  heldUnits: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_000_000_000 })),
  minNotional: fc.constantFrom(null, 1, 10),
  minLots: fc.constantFrom(null, 3),
  taker: fc.constantFrom(0, 0.001, 0.002),
  hasMarket: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
  priced: fc.integer({ min: 0, max: 19 }).map((n) => n > 0),
});

const scenarioArb = fc.record({
  assets: fc.tuple(assetArb, assetArb, assetArb, assetArb),
  cashCents: fc.integer({ min: 0, max: 100_000_000 }),
  /** Raw shares of AAA..DDD then the quote; a negative share leaves that asset out of the targets. */
  shares: fc
    .array(fc.integer({ min: -20, max: 100 }), { minLength: 5, maxLength: 5 })
    .map((xs) => (xs.some((x) => x >= 0) ? xs : [0, ...xs.slice(1)])),
  toleranceHundredths: fc.integer({ min: 0, max: 500 }),
  feeRate: fc.constantFrom('0', '0.001', '0.0075'),
  slippage: fc.constantFrom('0', '0.002'),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** Whole hundredths of a percent that add up to exactly 100 %. */
function hundredths(shares: number[]): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  if (sum === 0) return shares.map((_, i) => (i === 0 ? 10_000 : 0));
  const out = shares.map((s) => Math.floor((s * 10_000) / sum));
  out[0]! += 10_000 - out.reduce((a, b) => a + b, 0);
  return out;
}

function build(s: Scenario) {
  const names = [...pool, 'USDT'];
  const picked = s.shares.map((share, i) => ({ asset: names[i]!, share })).filter((t) => t.share >= 0);
  const weights = hundredths(picked.map((t) => t.share));
  const input = {
    targets: picked.map((t, i) => ({
      asset: t.asset,
      weight: Decimal.from(weights[i]!).div(100, 2, 'floor').toString(),
    })),
    tolerance: Decimal.from(s.toleranceHundredths).div(100, 2, 'floor').toString(),
    quote: 'USDT',
  };
  const holdings: RebalanceContext['holdings'] = [
    { asset: 'USDT', amount: Decimal.from(s.cashCents).div(100, 2, 'floor').toString(), price: 1 },
  ];
  const markets: RebalanceContext['markets'] = [];
  s.assets.forEach((a, i) => {
    const asset = pool[i]!;
    const step = steps[a.stepIndex]!;
    holdings.push({
      asset,
      amount: Decimal.from(a.heldUnits).mul('0.00001').toString(),
      price: a.priced ? a.priceCents / 100 : null,
    });
    if (a.hasMarket)
      markets.push(
        market(asset, {
          stepSize: step,
          amountDecimals: a.stepIndex === 0 ? 0 : a.stepIndex === 1 ? 1 : a.stepIndex === 2 ? 3 : 5,
          minNotional: a.minNotional,
          minAmount: a.minLots === null ? null : step * a.minLots,
          taker: a.taker,
        }),
      );
  });
  return { input, ctx: context({ holdings, markets, feeRate: s.feeRate, slippage: s.slippage }) };
}

/** The plan may refuse only for the reasons these scenarios can produce. */
function plannable(s: Scenario): boolean {
  const { input, ctx } = build(s);
  const targeted = new Set(input.targets.map((t) => t.asset));
  const pricedTargets = ctx.holdings.every((h) => h.price !== null || !targeted.has(h.asset));
  const total = ctx.holdings.reduce((a, h) => a + (h.price ?? 0) * Number(h.amount), 0);
  return pricedTargets && total > 0;
}

describe('planRebalance properties', () => {
  it('legs obey the market rules, sells never exceed the holding, buys fit the cash', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        fc.pre(plannable(s));
        const { input, ctx } = build(s);
        const plan = planRebalance(input, ctx);
        expect(plan.ok, plan.error ?? '').toBe(true);
        const fee = Decimal.from(s.feeRate);
        const slip = Decimal.from(s.slippage);
        let cash = Decimal.from(ctx.holdings[0]!.amount);
        let buyCost = Decimal.ZERO;
        const ids = new Set<string>();
        for (const leg of plan.legs) {
          ids.add(leg.id);
          const m = ctx.markets.find((x) => x.symbol === leg.order.symbol)!;
          const h = ctx.holdings.find((x) => x.asset === m.base)!;
          const amount = Decimal.from(leg.order.amount);
          const price = Decimal.from(h.price!);
          expect(leg.order.type).toBe('market');
          expect(checkMarketRules(m.rules, amount, price, null, false)).toEqual([]);
          const rate = Decimal.max(fee, m.rules.taker);
          const notional = amount.mul(price);
          if (leg.order.side === 'sell') {
            expect(amount.lte(h.amount)).toBe(true);
            cash = cash.add(notional.mul(Decimal.ONE.sub(rate)));
          } else buyCost = buyCost.add(notional.mul(Decimal.ONE.add(rate)).mul(Decimal.ONE.add(slip)));
        }
        expect(ids.size).toBe(plan.legs.length);
        expect(buyCost.lte(cash), `buys ${buyCost} > cash ${cash}`).toBe(true);
        const sides = plan.legs.map((l) => l.order.side);
        expect(sides).toEqual([...sides].sort((a, b) => (a === b ? 0 : a === 'sell' ? -1 : 1)));
      }),
      { numRuns: 400 },
    );
  });

  it('without fees, every asset outside its band lands within one lot of target, is skipped, or used up the cash', () => {
    fc.assert(
      fc.property(scenarioArb, (raw) => {
        const s: Scenario = {
          ...raw,
          feeRate: '0',
          slippage: '0',
          assets: raw.assets.map((a) => ({ ...a, taker: 0 as const })) as Scenario['assets'],
        };
        fc.pre(plannable(s));
        const { input, ctx } = build(s);
        const plan = planRebalance(input, ctx);
        expect(plan.ok, plan.error ?? '').toBe(true);

        const held = new Map(ctx.holdings.map((h) => [h.asset, Decimal.from(h.amount)]));
        const price = (asset: string) => Decimal.from(ctx.holdings.find((h) => h.asset === asset)!.price!);
        let cash = held.get('USDT')!;
        let scaled = false;
        const traded = new Set<string>();
        for (const leg of plan.legs) {
          const base = leg.order.symbol.split('/')[0]!;
          expect(traded.has(base)).toBe(false);
          traded.add(base);
          const amount = Decimal.from(leg.order.amount);
          const signed = leg.order.side === 'buy' ? amount : amount.neg();
          held.set(base, held.get(base)!.add(signed));
          cash = cash.sub(signed.mul(price(base)));
          if (leg.note?.includes('Scaled down')) scaled = true;
        }
        expect(cash.isNegative()).toBe(false);

        const start = new Map(ctx.holdings.map((h) => [h.asset, Decimal.from(h.amount)]));
        const valueOf = (asset: string) => start.get(asset)!.mul(price(asset));
        const total = Decimal.sum(ctx.holdings.filter((h) => h.price !== null).map((h) => valueOf(h.asset)));
        const skipped = new Set(plan.skipped.map((x) => x.asset));
        const lotOf = (symbol: string) => {
          const m = ctx.markets.find((x) => x.symbol === symbol)!;
          return m.rules.step.mul(price(m.base));
        };
        let slack = Decimal.from('1e-9');
        for (const leg of plan.legs) if (leg.order.side === 'buy') slack = slack.add(lotOf(leg.order.symbol));
        for (const row of plan.rows) {
          if (row.asset === 'USDT') continue;
          const target = total.mul(Decimal.from(row.targetWeight));
          const p = price(row.asset);
          const step = ctx.markets.find((m) => m.base === row.asset)?.rules.step;
          if (!row.outside) {
            expect(traded.has(row.asset), `${row.asset} is inside its band`).toBe(false);
            continue;
          }
          if (skipped.has(row.asset)) {
            const value = valueOf(row.asset);
            if (target.gt(value)) slack = slack.add(target.sub(value));
            continue;
          }
          expect(
            traded.has(row.asset),
            `${row.asset} is outside its band but neither traded nor skipped`,
          ).toBe(true);
          const final = held.get(row.asset)!.mul(p);
          const gap = final.sub(target).abs();
          const lot = step!.mul(p);
          if (gap.lt(lot)) continue;
          // A scaled buy stops short of target, never past it.
          expect(scaled && final.lt(target), `${row.asset} is ${gap} away from target`).toBe(true);
        }
        // Scaling is only allowed when it spent the cash: what is left is less than the rounding.
        if (scaled) expect(cash.lte(slack), `left ${cash} of cash with scaled buys`).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
