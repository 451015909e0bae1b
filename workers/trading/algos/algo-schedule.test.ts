import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnsFromRows, emptyColumns, type OhlcvRow } from '../../market/candle-series.js';
import { Decimal, dec } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import { minimumOrderAmount } from '../sizing/position-sizing.js';
import type { AlgoKind, AlgoParams, AlgoRecord } from '../types.js';
import {
  algoProgress,
  executionQuality,
  planChildren,
  sliceDueAt,
  validateAlgoParams,
  volumeProfile,
  type AlgoChild,
  type AlgoMarketView,
} from './algo-schedule.js';

const t0 = Date.UTC(2026, 2, 2, 9, 0);
const hour = 3_600_000;

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

function algoWith(over: Partial<AlgoRecord> & { params?: AlgoParams } = {}): AlgoRecord {
  return {
    id: 'algo1',
    accountId: 'paper1',
    exchange: 'binance',
    symbol: 'BTC/USDT',
    side: 'buy',
    kind: 'twap',
    status: 'running',
    amount: '1',
    filled: '0',
    cost: '0',
    params: { durationMs: 60_000, slices: 4 },
    arrivalPrice: '100',
    startedAt: t0,
    nextChild: 0,
    observedVolume: '0',
    pausedAt: null,
    pausedMs: 0,
    updatedAt: t0,
    reason: null,
    ...over,
  };
}

function viewAt(now: number, over: Partial<AlgoMarketView> = {}): AlgoMarketView {
  return {
    now,
    bestBid: 99.99,
    bestAsk: 100,
    rules: rulesWith(),
    openChildRemaining: Decimal.ZERO,
    sentAmount: Decimal.ZERO,
    ...over,
  };
}

const amounts = (children: AlgoChild[]) => children.map((c) => [c.index, c.amount.toString()]);

describe('TWAP', () => {
  it('sends equal market slices on the schedule and says when the next one is due', () => {
    const algo = algoWith();
    const p0 = planChildren(algo, viewAt(t0));
    expect(p0.children).toEqual([{ index: 0, amount: dec('0.25'), type: 'market', price: null }]);
    expect(p0).toMatchObject({ done: false, nextWakeAt: t0 + 15_000, note: null });

    const after0 = algoWith({ nextChild: 1 });
    const waiting = planChildren(after0, viewAt(t0 + 1_000, { sentAmount: dec('0.25') }));
    expect(waiting).toEqual({ children: [], done: false, nextWakeAt: t0 + 15_000, note: null });

    const p1 = planChildren(after0, viewAt(t0 + 15_000, { sentAmount: dec('0.25') }));
    expect(amounts(p1.children)).toEqual([[1, '0.25']]);
    expect(p1.nextWakeAt).toBe(t0 + 30_000);

    const last = planChildren(algoWith({ nextChild: 3 }), viewAt(t0 + 45_000, { sentAmount: dec('0.75') }));
    expect(amounts(last.children)).toEqual([[3, '0.25']]);
    expect(last).toMatchObject({ done: false, nextWakeAt: null });

    const finished = planChildren(algoWith({ nextChild: 4 }), viewAt(t0 + 46_000, { sentAmount: dec('1') }));
    expect(finished).toEqual({ children: [], done: true, nextWakeAt: null, note: null });
  });

  it('rolls a slice below the minimum order value into the next slice', () => {
    // 0.1 BTC in 4 slices at 100 USDT: 0.025 BTC is 2.5 USDT, under the 5 USDT minimum (0.05 BTC).
    const algo = algoWith({ amount: '0.1' });
    const p0 = planChildren(algo, viewAt(t0));
    expect(p0.children).toEqual([]);
    expect(p0.note).toBe(
      'Slice 0 (0.025 BTC) is below the minimum order of 0.05 BTC; it rolls into slice 1.',
    );
    expect(p0.nextWakeAt).toBe(t0 + 15_000);
    const p1 = planChildren(algo, viewAt(t0 + 15_000));
    expect(amounts(p1.children)).toEqual([[1, '0.05']]);
    expect(p1.note).toBe('Slice 0 merged into slice 1 (not sent on its own).');
    const algo2 = algoWith({ amount: '0.1', nextChild: 2 });
    expect(planChildren(algo2, viewAt(t0 + 30_000, { sentAmount: dec('0.05') })).children).toEqual([]);
    const p3 = planChildren(algo2, viewAt(t0 + 45_000, { sentAmount: dec('0.05') }));
    expect(amounts(p3.children)).toEqual([[3, '0.05']]);
  });

  it('catches up after a restart with one child for all due slices, at the latest due index', () => {
    const p = planChildren(algoWith(), viewAt(t0 + 35_000));
    expect(amounts(p.children)).toEqual([[2, '0.75']]);
    expect(p.note).toBe('Slices 0–1 merged into slice 2 (not sent on their own).');
    expect(p.nextWakeAt).toBe(t0 + 45_000);
  });

  it('shrinks a slice that would leave less than the minimum for later', () => {
    // 0.1 BTC in 5 slices, minimum 0.03 BTC: targets 0.02 (skip), 0.04, 0.06 (skip), 0.08, 0.1.
    const rules = rulesWith({ minAmount: dec('0.03'), minNotional: null });
    const algo = algoWith({ amount: '0.1', params: { durationMs: 50_000, slices: 5 }, nextChild: 2 });
    const p = planChildren(algo, viewAt(t0 + 30_000, { rules, sentAmount: dec('0.04') }));
    expect(amounts(p.children)).toEqual([[3, '0.03']]);
    expect(p.note).toContain('Slice 3 is 0.03 instead of 0.04 BTC');
    const last = planChildren(
      algoWith({ amount: '0.1', params: { durationMs: 50_000, slices: 5 }, nextChild: 4 }),
      viewAt(t0 + 40_000, { rules, sentAmount: dec('0.07') }),
    );
    expect(amounts(last.children)).toEqual([[4, '0.03']]);
  });

  it('finishes with a note when the last slice is below the minimum, after working children are done', () => {
    const algo = algoWith({ nextChild: 3 });
    const view = viewAt(t0 + 50_000, { sentAmount: dec('0.97') });
    const waiting = planChildren(algo, { ...view, openChildRemaining: dec('0.1') });
    expect(waiting.done).toBe(false);
    expect(waiting.children).toEqual([]);
    const done = planChildren(algo, view);
    expect(done.done).toBe(true);
    expect(done.children).toEqual([]);
    expect(done.note).toBe('0.03 BTC left unsent: below the minimum order of 0.05 BTC at 100.');
  });

  it('uses limit children at the limit price, snapped to the tick on the safe side', () => {
    const buy = planChildren(
      algoWith({ params: { durationMs: 60_000, slices: 4, limitPrice: '99.5' } }),
      viewAt(t0),
    );
    expect(buy.children).toEqual([{ index: 0, amount: dec('0.25'), type: 'limit', price: dec('99.5') }]);
    const sell = planChildren(
      algoWith({ side: 'sell', params: { durationMs: 60_000, slices: 4, limitPrice: '100.123' } }),
      viewAt(t0),
    );
    expect(sell.children[0]?.price).toEqual(dec('100.13'));
  });

  it('sends nothing while paused and shifts the schedule by the paused time', () => {
    const paused = planChildren(algoWith({ status: 'paused', pausedAt: t0 + 5_000 }), viewAt(t0 + 20_000));
    expect(paused).toEqual({ children: [], done: false, nextWakeAt: null, note: 'Paused.' });
    const resumed = algoWith({ nextChild: 1, pausedMs: 10_000 });
    expect(sliceDueAt(resumed, 1)).toBe(t0 + 25_000);
    const early = planChildren(resumed, viewAt(t0 + 20_000, { sentAmount: dec('0.25') }));
    expect(early).toMatchObject({ children: [], nextWakeAt: t0 + 25_000 });
    expect(planChildren(resumed, viewAt(t0 + 25_000, { sentAmount: dec('0.25') })).children).toHaveLength(1);
  });

  it('is done for cancelled algos and cannot run with a broken amount', () => {
    expect(planChildren(algoWith({ status: 'cancelled' }), viewAt(t0))).toMatchObject({
      children: [],
      done: true,
    });
    const broken = planChildren(algoWith({ amount: 'lots' }), viewAt(t0));
    expect(broken.done).toBe(true);
    expect(broken.note).toContain('Cannot run');
  });
});

describe('VWAP', () => {
  it('follows the weights cumulatively, with shortfalls rolled forward', () => {
    const params = { durationMs: 60_000, slices: 4, weights: [0.1, 0.2, 0.3, 0.4] };
    const algo = algoWith({ kind: 'vwap', params });
    expect(amounts(planChildren(algo, viewAt(t0)).children)).toEqual([[0, '0.1']]);
    const p1 = planChildren({ ...algo, nextChild: 1 }, viewAt(t0 + 15_000, { sentAmount: dec('0.1') }));
    expect(amounts(p1.children)).toEqual([[1, '0.2']]);
    // Slice 1 expired unfilled: slice 2 makes up for it.
    const p2 = planChildren({ ...algo, nextChild: 2 }, viewAt(t0 + 30_000, { sentAmount: dec('0.1') }));
    expect(amounts(p2.children)).toEqual([[2, '0.5']]);
  });

  it('falls back to equal slices, saying so, when the weights are unusable', () => {
    const p = planChildren(
      algoWith({ kind: 'vwap', params: { durationMs: 60_000, slices: 4, weights: [1, 2] } }),
      viewAt(t0),
    );
    expect(amounts(p.children)).toEqual([[0, '0.25']]);
    expect(p.note).toContain('VWAP weights are missing or unusable');
  });
});

describe('volumeProfile', () => {
  const day = 86_400_000;
  const d0 = Date.UTC(2026, 0, 5);
  // Three days of hourly candles: 1 BTC an hour in the morning (00–12 UTC), 3 in the afternoon.
  const history = (): OhlcvRow[] =>
    Array.from({ length: 72 }, (_, i): OhlcvRow => [d0 + i * hour, 1, 1, 1, 1, i % 24 < 12 ? 1 : 3]);

  it('weights slices by the usual volume at their time of day', () => {
    const candles = columnsFromRows(history());
    const next = d0 + 3 * day;
    expect(volumeProfile(candles, next, day, 2)).toEqual([0.25, 0.75]);
    const p = volumeProfile(candles, next + 6 * hour, 12 * hour, 4);
    p.forEach((w, i) => expect(w).toBeCloseTo([1, 1, 3, 3][i]! / 8, 12));
  });

  it('wraps slices around midnight', () => {
    const p = volumeProfile(columnsFromRows(history()), d0 + 3 * day + 18 * hour, 12 * hour, 2);
    expect(p[0]).toBeCloseTo(0.75, 12);
    expect(p[1]).toBeCloseTo(0.25, 12);
  });

  it('spreads coarse candles over finer slices and ignores gaps and the forming candle', () => {
    // 4-hour candles, the first day missing its morning; a huge candle still forming at the start.
    const rows: OhlcvRow[] = [];
    for (let i = 0; i < 18; i++) {
      const t = d0 + i * 4 * hour;
      if (i < 3) continue;
      rows.push([t, 1, 1, 1, 1, (t % day) / hour < 12 ? 4 : 12]);
    }
    const start = d0 + 3 * day + 13 * hour;
    rows.push([d0 + 3 * day + 12 * hour, 1, 1, 1, 1, 1_000_000]);
    const p = volumeProfile(columnsFromRows(rows), start - 2 * hour, 4 * hour, 4);
    // 11:00–15:00 UTC: one morning hour at 1 BTC/h, then three afternoon hours at 3 BTC/h.
    p.forEach((w, i) => expect(w).toBeCloseTo([1, 3, 3, 3][i]! / 10, 12));
  });

  it('is uniform without usable history', () => {
    expect(volumeProfile(emptyColumns(), t0, hour, 4)).toEqual([0.25, 0.25, 0.25, 0.25]);
    const daily = columnsFromRows([
      [d0, 1, 1, 1, 1, 5],
      [d0 + day, 1, 1, 1, 1, 9],
    ]);
    expect(volumeProfile(daily, d0 + 2 * day, hour, 2)).toEqual([0.5, 0.5]);
    expect(volumeProfile(emptyColumns(), t0, hour, 0)).toEqual([]);
  });

  it('always returns non-negative weights summing to 1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(1000), { minLength: 0, maxLength: 60 }),
        fc.integer({ min: 1, max: 240 }),
        fc.integer({ min: 10_000, max: day }),
        fc.integer({ min: 1, max: 50 }),
        fc.nat(day),
        (volumes, minutes, duration, slices, offset) => {
          const candles = columnsFromRows(
            volumes.map((v, i): OhlcvRow => [d0 + i * minutes * 60_000, 1, 1, 1, 1, v]),
          );
          const p = volumeProfile(candles, d0 + 3 * day + offset, duration, slices);
          expect(p).toHaveLength(slices);
          for (const w of p) expect(w).toBeGreaterThanOrEqual(0);
          expect(p.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 9);
        },
      ),
    );
  });
});

describe('Iceberg', () => {
  const params = { visible: '0.3', limitPrice: '99' };

  it('shows one limit child of the visible amount at a time', () => {
    const algo = algoWith({ kind: 'iceberg', params, nextChild: 5 });
    expect(planChildren(algo, viewAt(t0)).children).toEqual([
      { index: 5, amount: dec('0.3'), type: 'limit', price: dec('99') },
    ]);
    const working = planChildren(
      algo,
      viewAt(t0, { sentAmount: dec('0.3'), openChildRemaining: dec('0.1') }),
    );
    expect(working).toEqual({ children: [], done: false, nextWakeAt: null, note: null });
    const tail = planChildren(algo, viewAt(t0, { sentAmount: dec('0.9') }));
    expect(amounts(tail.children)).toEqual([[5, '0.1']]);
    expect(planChildren(algo, viewAt(t0, { sentAmount: dec('1') })).done).toBe(true);
  });

  it('lets the last child take a remainder that would be below the minimum', () => {
    const rules = rulesWith({ minAmount: dec('0.15') });
    const p = planChildren(
      algoWith({ kind: 'iceberg', params }),
      viewAt(t0, { rules, sentAmount: dec('0.6') }),
    );
    expect(amounts(p.children)).toEqual([[0, '0.4']]);
    expect(p.note).toContain('below the minimum order');
  });

  it('cannot run without a limit price', () => {
    const p = planChildren(algoWith({ kind: 'iceberg', params: { visible: '0.3' } }), viewAt(t0));
    expect(p).toMatchObject({ children: [], done: true });
    expect(p.note).toBe('Cannot run: an iceberg needs a limit price.');
  });
});

describe('POV', () => {
  const params = { participation: '10' };

  it('makes up the difference to participation × observed volume with a market child', () => {
    const algo = algoWith({ kind: 'pov', params, observedVolume: '5', nextChild: 2 });
    const p = planChildren(algo, viewAt(t0, { sentAmount: dec('0.2') }));
    expect(p.children).toEqual([{ index: 2, amount: dec('0.3'), type: 'market', price: null }]);
    expect(
      planChildren(algo, viewAt(t0, { sentAmount: dec('0.2'), openChildRemaining: dec('0.1') })).children,
    ).toEqual([]);
    // 0.52 − 0.5 = 0.02 BTC is 2 USDT, under the 5 USDT minimum: wait for more volume.
    const small = algoWith({ kind: 'pov', params, observedVolume: '5.2' });
    expect(planChildren(small, viewAt(t0, { sentAmount: dec('0.5') })).children).toEqual([]);
  });

  it('never goes beyond the total', () => {
    const algo = algoWith({ kind: 'pov', params, observedVolume: '1000' });
    expect(amounts(planChildren(algo, viewAt(t0, { sentAmount: dec('0.4') })).children)).toEqual([
      [0, '0.6'],
    ]);
    expect(planChildren(algo, viewAt(t0, { sentAmount: dec('1') })).done).toBe(true);
  });

  it('holds back rather than strand a remainder below the minimum', () => {
    // Total 1, minimum 0.3, target 0.85. With 0.4 sent, 0.45 would leave 0.15: send 0.3, leaving 0.3.
    // With 0.5 sent, 0.35 would leave 0.15 and 0.2 is below the minimum: hold until all 0.5 can go.
    const rules = rulesWith({ minAmount: dec('0.3'), minNotional: null });
    const algo = algoWith({ kind: 'pov', params, observedVolume: '8.5' });
    const p = planChildren(algo, viewAt(t0, { rules, sentAmount: dec('0.4') }));
    expect(amounts(p.children)).toEqual([[0, '0.3']]);
    const hold = planChildren(algo, viewAt(t0, { rules, sentAmount: dec('0.5') }));
    expect(hold.children).toEqual([]);
    expect(hold.note).toContain('Holding');
  });
});

describe('validateAlgoParams', () => {
  const rules = rulesWith();

  it('accepts sound parameters', () => {
    expect(validateAlgoParams('twap', { durationMs: 600_000, slices: 10 }, dec('1'), rules)).toEqual([]);
    expect(validateAlgoParams('iceberg', { visible: '0.1', limitPrice: '100' }, dec('1'), rules)).toEqual([]);
    expect(validateAlgoParams('pov', { participation: '10' }, dec('1'), rules)).toEqual([]);
    expect(
      validateAlgoParams('vwap', { durationMs: 60_000, slices: 2, weights: [0.3, 0.7] }, dec('1'), rules),
    ).toEqual([]);
  });

  it('explains each problem and how to fix it', () => {
    expect(validateAlgoParams('twap', { durationMs: 5_000, slices: 0 }, dec('1'), rules)).toEqual([
      'Slices must be a whole number from 1 to 1000.',
      'The duration must be between 10 seconds and 24 hours.',
    ]);
    expect(validateAlgoParams('twap', { durationMs: 60_000, slices: 4 }, dec('1.0005'), rules)).toEqual([
      'The amount must be a multiple of the lot 0.001 BTC; try 1.',
    ]);
    expect(
      validateAlgoParams('twap', { durationMs: 60_000, slices: 40, limitPrice: '100' }, dec('1'), rules),
    ).toEqual([
      'Each slice would be 0.025 BTC, below the market minimum of 0.05 BTC (at 100 USDT); use at most 20 slices or a larger amount.',
    ]);
    expect(validateAlgoParams('iceberg', { visible: '2', limitPrice: '100.001' }, dec('1'), rules)).toEqual([
      'The limit price must be a multiple of the tick 0.01 USDT; try 100.',
      'The visible amount must be at most the total 1 BTC.',
    ]);
    expect(validateAlgoParams('iceberg', { visible: '0' }, dec('1'), rules)).toEqual([
      'An iceberg needs a limit price: its children rest on the book.',
      'Enter a visible amount above zero.',
    ]);
    expect(validateAlgoParams('pov', { participation: '60' }, dec('1'), rules)).toEqual([
      'Participation must be between 1 % and 50 % of traded volume.',
    ]);
    expect(
      validateAlgoParams('vwap', { durationMs: 60_000, slices: 2, weights: [0.3, 0.3] }, dec('1'), rules),
    ).toEqual(['VWAP weights must sum to 1 (they sum to 0.6); rebuild the volume profile.']);
    expect(validateAlgoParams('pov', { participation: '10' }, dec('0'), rules)).toEqual([
      'Enter an amount above zero.',
    ]);
  });
});

describe('execution quality', () => {
  it('measures the average price and slippage against arrival, positive when worse for the side', () => {
    expect(executionQuality('buy', dec('100'), dec('2'), dec('201'))).toEqual({
      avgPrice: dec('100.5'),
      slippageBps: 50,
    });
    expect(executionQuality('sell', dec('100'), dec('2'), dec('201'))).toEqual({
      avgPrice: dec('100.5'),
      slippageBps: -50,
    });
    expect(executionQuality('buy', dec('100'), Decimal.ZERO, Decimal.ZERO)).toEqual({
      avgPrice: null,
      slippageBps: null,
    });
  });

  it('reports an algo’s progress from its record', () => {
    const p = algoProgress(algoWith({ side: 'sell', filled: '0.5', cost: '49.5' }));
    expect(p).toEqual({
      filled: dec('0.5'),
      remaining: dec('0.5'),
      fraction: 0.5,
      avgPrice: dec('99'),
      slippageBps: 100,
    });
  });
});

// ---- Properties: whole runs through simulated time ----

interface Working {
  remaining: Decimal;
  fillAtTick: number;
}

const lotArb = fc.constantFrom('1', '0.1', '0.001', '0.005', '0.00001', '5');

/** Market rules with a minimum at most `lots` lots at `price`, so the total is sendable. */
function rulesArb() {
  return fc
    .record({
      step: lotArb,
      lots: fc.integer({ min: 1, max: 50_000 }),
      minLotsShare: fc.double({ min: 0, max: 1, noNaN: true }),
      notional: fc.boolean(),
      price: fc.constantFrom(0.5, 3, 100, 27_123.45),
    })
    .map(({ step, lots, minLotsShare, notional, price }) => {
      const minLots = Math.max(1, Math.floor(lots * minLotsShare * minLotsShare));
      const s = dec(step);
      const minAmount = s.mul(minLots);
      const rules = rulesWith({
        step: s,
        minAmount,
        minNotional: notional ? minAmount.mul(dec(price)).round(2, 'floor') : null,
      });
      return { rules, total: s.mul(lots), price };
    });
}

function simulateSchedule(
  start: AlgoRecord,
  rules: MarketRules,
  price: number,
  stepsPerMille: number[],
  delays: number[],
) {
  const { durationMs = 0, slices = 1 } = start.params;
  const interval = Math.max(1, durationMs / slices);
  let algo = start;
  let now = start.startedAt;
  let sent = Decimal.ZERO;
  let working: Working[] = [];
  const children: AlgoChild[] = [];
  const total = dec(start.amount);
  const min = minimumOrderAmount(rules, dec(price));
  for (let tick = 0; tick < 20_000; tick++) {
    working = working.filter((w) => w.fillAtTick > tick);
    const open = Decimal.sum(working.map((w) => w.remaining));
    const view = viewAt(now, {
      rules,
      bestBid: price,
      bestAsk: price,
      sentAmount: sent,
      openChildRemaining: open,
    });
    const plan = planChildren(algo, view);
    expect(planChildren(structuredClone(algo), { ...view })).toEqual(plan);
    if (plan.done) return { children, sent, done: true, now };
    expect(plan.children.length).toBeLessThanOrEqual(1);
    for (const c of plan.children) {
      expect(c.index).toBeGreaterThanOrEqual(algo.nextChild);
      expect(c.index).toBeLessThan(slices);
      expect(c.amount.isPositive()).toBe(true);
      expect(c.amount.isMultipleOf(rules.step)).toBe(true);
      expect(c.amount.gte(min)).toBe(true);
      expect(now).toBeGreaterThanOrEqual(sliceDueAt(algo, c.index));
      children.push(c);
      sent = sent.add(c.amount);
      expect(sent.lte(total)).toBe(true);
      working.push({ remaining: c.amount, fillAtTick: tick + (delays[tick % delays.length] ?? 0) });
      algo = { ...algo, nextChild: c.index + 1 };
    }
    now += Math.max(1, Math.floor((interval * (stepsPerMille[tick % stepsPerMille.length] ?? 1000)) / 1000));
  }
  throw new Error('the run did not finish');
}

describe('properties', () => {
  const scheduleArb = fc.record({
    market: rulesArb(),
    slices: fc.integer({ min: 1, max: 40 }),
    durationMs: fc.integer({ min: 10_000, max: 4 * hour }),
    steps: fc.array(fc.integer({ min: 50, max: 3000 }), { minLength: 1, maxLength: 20 }),
    delays: fc.array(fc.nat(3), { minLength: 1, maxLength: 10 }),
    limit: fc.boolean(),
  });

  it('TWAP children over a whole run sum exactly to the total, each a positive lot multiple', () => {
    fc.assert(
      fc.property(scheduleArb, ({ market, slices, durationMs, steps, delays, limit }) => {
        const { rules, total, price } = market;
        const algo = algoWith({
          amount: total.toString(),
          params: { durationMs, slices, limitPrice: limit ? dec(price).toString() : null },
        });
        const run = simulateSchedule(algo, rules, price, steps, delays);
        expect(Decimal.sum(run.children.map((c) => c.amount))).toEqual(total);
        expect(run.now).toBeGreaterThanOrEqual(algo.startedAt);
      }),
      { numRuns: 150 },
    );
  });

  it('VWAP children over a whole run sum exactly to the total for any weights', () => {
    fc.assert(
      fc.property(
        scheduleArb,
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 10, noNaN: true })), {
          minLength: 40,
          maxLength: 40,
        }),
        ({ market, slices, durationMs, steps, delays }, raw) => {
          const { rules, total, price } = market;
          const used = raw.slice(0, slices);
          const sum = used.reduce((s, w) => s + w, 0);
          const weights = sum > 0 ? used.map((w) => w / sum) : used.map(() => 1 / slices);
          const algo = algoWith({
            kind: 'vwap',
            amount: total.toString(),
            params: { durationMs, slices, weights },
          });
          const run = simulateSchedule(algo, rules, price, steps, delays);
          expect(Decimal.sum(run.children.map((c) => c.amount))).toEqual(total);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('planChildren is deterministic: the same record and view give the same plan', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<AlgoKind>('twap', 'vwap', 'iceberg', 'pov'),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 80_000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 200 }),
        (kind, nextChild, elapsed, sentThousandths, openThousandths) => {
          const algo = algoWith({
            kind,
            nextChild,
            observedVolume: '7.5',
            params: {
              durationMs: 60_000,
              slices: 12,
              weights: Array.from({ length: 12 }, (_, i) => (i + 1) / 78),
              visible: '0.2',
              limitPrice: kind === 'iceberg' ? '100' : null,
              participation: '15',
            },
          });
          const view = viewAt(t0 + elapsed, {
            sentAmount: dec(sentThousandths).div(1000, 3, 'floor'),
            openChildRemaining: dec(Math.min(openThousandths, sentThousandths)).div(1000, 3, 'floor'),
          });
          const a = planChildren(algo, view);
          const b = planChildren(structuredClone(algo), viewAt(t0 + elapsed, { ...view }));
          expect(b).toEqual(a);
          for (const c of a.children) expect(c.index).toBeGreaterThanOrEqual(nextChild);
        },
      ),
    );
  });

  it('an iceberg never has two children working, and finishes exactly when nothing is cancelled', () => {
    fc.assert(
      fc.property(
        rulesArb(),
        fc.integer({ min: 1, max: 100 }),
        // Per tick: the percent of the working child that fills, and whether the rest is then cancelled.
        fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.boolean()), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.boolean(),
        ({ rules, total, price }, visiblePct, events, cancels) => {
          const visible = Decimal.max(
            rules.step,
            total.mul(visiblePct).div(100, 12, 'floor').roundToStep(rules.step, 'floor'),
          );
          let algo = algoWith({
            kind: 'iceberg',
            amount: total.toString(),
            params: { visible: visible.toString(), limitPrice: dec(price).toString() },
          });
          let sent = Decimal.ZERO;
          let filled = Decimal.ZERO;
          let working: Decimal[] = [];
          let cancelled = false;
          let finished = false;
          for (let tick = 0; tick < 100_000 && !finished; tick++) {
            const open = Decimal.sum(working);
            const plan = planChildren(
              algo,
              viewAt(t0 + tick, { rules, sentAmount: sent, openChildRemaining: open }),
            );
            finished = plan.done;
            if (plan.children.length > 0) expect(working).toHaveLength(0);
            expect(plan.children.length).toBeLessThanOrEqual(1);
            for (const c of plan.children) {
              expect(c.type).toBe('limit');
              expect(c.amount.isMultipleOf(rules.step)).toBe(true);
              working.push(c.amount);
              sent = sent.add(c.amount);
              algo = { ...algo, nextChild: c.index + 1 };
            }
            expect(working.length).toBeLessThanOrEqual(1);
            expect(sent.lte(total)).toBe(true);
            // Fill part of the working child (in lots), or all of it; sometimes cancel the rest.
            const [share, cancel] = events[tick % events.length] as [number, boolean];
            working = working.flatMap((w) => {
              const part = Decimal.min(
                w,
                Decimal.max(rules.step, w.mul(share).div(100, 12, 'ceil').roundToStep(rules.step, 'ceil')),
              );
              filled = filled.add(part);
              const rest = w.sub(part);
              if (rest.isPositive() && cancels && cancel) {
                cancelled = true;
                sent = sent.sub(rest);
                return [];
              }
              return rest.isPositive() ? [rest] : [];
            });
          }
          expect(finished).toBe(true);
          expect(filled.lte(total)).toBe(true);
          if (!cancelled) expect(filled).toEqual(total);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('POV never sends beyond participation × observed volume (+ one lot), nor beyond the total', () => {
    fc.assert(
      fc.property(
        rulesArb(),
        fc.integer({ min: 1, max: 50 }),
        // Tape volume per tick, in thousandths of the algo's total.
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(3), { minLength: 1, maxLength: 10 }),
        ({ rules, total, price }, participation, volumeSteps, delays) => {
          let algo = algoWith({
            kind: 'pov',
            amount: total.toString(),
            params: { participation: `${participation}` },
          });
          let observed = Decimal.ZERO;
          let sent = Decimal.ZERO;
          let working: Working[] = [];
          let done = false;
          for (let tick = 0; tick < 5_000 && !done; tick++) {
            working = working.filter((w) => w.fillAtTick > tick);
            const step = volumeSteps[tick % volumeSteps.length] as number;
            observed = observed.add(total.mul(step).div(1000, 12, 'floor'));
            algo = { ...algo, observedVolume: observed.toString() };
            const view = viewAt(t0 + tick * 1000, {
              rules,
              bestBid: price,
              bestAsk: price,
              sentAmount: sent,
              openChildRemaining: Decimal.sum(working.map((w) => w.remaining)),
            });
            const plan = planChildren(algo, view);
            done = plan.done;
            for (const c of plan.children) {
              expect(c.amount.isPositive() && c.amount.isMultipleOf(rules.step)).toBe(true);
              sent = sent.add(c.amount);
              working.push({ remaining: c.amount, fillAtTick: tick + (delays[tick % delays.length] ?? 0) });
              algo = { ...algo, nextChild: c.index + 1 };
            }
            expect(sent.lte(observed.mul(participation).div(100, 12, 'floor').add(rules.step))).toBe(true);
            expect(sent.lte(total)).toBe(true);
          }
          if (done) expect(sent).toEqual(total);
        },
      ),
      { numRuns: 150 },
    );
  });
});
