import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.js';
import type { FillRecord, OrderRecord, Side } from '../types.js';
import { divergenceReport } from './divergence-report.js';
import type { TwinRecord } from './twin-record.js';

function twin(over: Partial<TwinRecord>): TwinRecord {
  return {
    orderId: 'o1',
    accountId: 'live:a',
    symbol: 'BTC/USDT',
    side: 'buy',
    startedAt: 1000,
    arrivalMid: '100',
    paperFilled: '0',
    paperCost: '0',
    paperFee: '0',
    paperFirstFillAt: null,
    paperLastFillAt: null,
    status: 'done',
    amount: '1',
    limit: null,
    tif: 'GTC',
    postOnly: false,
    trigger: null,
    arrived: true,
    queueAhead: null,
    liveFilledAt: null,
    endReason: null,
    updatedAt: 1000,
    ...over,
  };
}

let fillSeq = 0;
function fill(
  orderId: string,
  price: string,
  amount: string,
  fee: string,
  feeAsset: string,
  time: number,
): FillRecord {
  return {
    id: `f${++fillSeq}`,
    orderId,
    accountId: 'live:a',
    symbol: 'BTC/USDT',
    side: 'buy',
    price,
    amount,
    quote: Decimal.from(price).mul(amount).toString(),
    fee,
    feeAsset,
    liquidity: 'taker',
    time,
  };
}

const order = (id: string, status: OrderRecord['status']) => ({ id, status }) as OrderRecord;

describe('divergenceReport, worked by hand', () => {
  const twins = [
    // Buy 1 BTC at mid 100: live 0.4 @ 100.5 (fee in BTC) + 0.6 @ 101; paper all at once @ 100.2.
    twin({
      orderId: 'o1',
      paperFilled: '1',
      paperCost: '100.2',
      paperFee: '0.1002',
      paperFirstFillAt: 1000,
      paperLastFillAt: 1000,
    }),
    // Sell 2 ETH at mid 50: live never filled (cancelled); paper sold 2 for 100.1.
    twin({
      orderId: 'o2',
      symbol: 'ETH/USDT',
      side: 'sell',
      amount: '2',
      arrivalMid: '50',
      paperFilled: '2',
      paperCost: '100.1',
      paperFee: '0.1001',
      paperFirstFillAt: 1500,
      paperLastFillAt: 2500,
    }),
    // Buy 1 BTC at mid 200: live all at the mid; paper only half, at 201.
    twin({
      orderId: 'o3',
      arrivalMid: '200',
      startedAt: 5000,
      paperFilled: '0.5',
      paperCost: '100.5',
      paperFee: '0.1005',
      paperFirstFillAt: 6000,
      paperLastFillAt: 6000,
      status: 'running',
    }),
  ];
  const fills = [
    fill('o1', '100.5', '0.4', '0.0004', 'BTC', 1100),
    fill('o1', '101', '0.6', '0.0606', 'USDT', 1300),
    fill('o3', '200', '1', '0.25', 'USDT', 5200),
  ];
  const report = divergenceReport(
    [order('o1', 'filled'), order('o2', 'cancelled'), order('o3', 'filled')],
    fills,
    twins,
  );

  it('compares one order: prices, slippage against the mid, fees in quote, timing', () => {
    const r = report.rows[0]!;
    expect(r.status).toBe('filled');
    expect(r.live).toEqual({
      filled: '1',
      avgPrice: '100.8',
      // The BTC fee is worth 0.0004 × 100.5 = 0.0402 USDT; plus 0.0606.
      fee: '0.1008',
      slippageBps: 80,
      firstFillMs: 100,
      completeMs: 300,
    });
    expect(r.paper).toEqual({
      filled: '1',
      avgPrice: '100.2',
      fee: '0.1002',
      slippageBps: 20,
      firstFillMs: 0,
      completeMs: 0,
    });
    expect(r.slippageDiffBps).toBe(60);
    expect(r.feeDiff).toBe('0.0006');
    expect(r.quote).toBe('USDT');
  });

  it('signs slippage by side: a sell above the mid is better for the trader', () => {
    const r = report.rows[1]!;
    expect(r.paper.slippageBps).toBe(-10);
    expect(r.paper.avgPrice).toBe('50.05');
    expect(r.paper.completeMs).toBe(1500);
    expect(r.live).toMatchObject({ filled: '0', avgPrice: null, slippageBps: null, firstFillMs: null });
    expect(r.slippageDiffBps).toBeNull();
    expect(r.feeDiff).toBe('-0.1001');
  });

  it('a partial paper fill has no completion time', () => {
    const r = report.rows[2]!;
    expect(r.paper.slippageBps).toBe(50);
    expect(r.paper.completeMs).toBeNull();
    expect(r.paper.firstFillMs).toBe(1000);
    expect(r.live.slippageBps).toBe(0);
    expect(r.slippageDiffBps).toBe(-50);
    expect(r.twinStatus).toBe('running');
  });

  it('aggregates: slippage weighted by the notional both filled, fees per quote, one-sided fills counted', () => {
    // o1 weighs 1 × 100, o3 weighs min(1, 0.5) × 200 = 100: (60 − 50) / 2.
    expect(report.aggregate).toEqual({
      orders: 3,
      compared: 2,
      slippageDiffBps: 5,
      fees: [{ asset: 'USDT', live: '0.3508', paper: '0.3008', diff: '0.05' }],
      paperOnly: 1,
      liveOnly: 0,
    });
  });

  it('leaves a fee paid in a third asset out rather than guessing its price', () => {
    const r = divergenceReport(
      [],
      [fill('o1', '100', '1', '0.001', 'BNB', 1100)],
      [
        twin({
          paperFilled: '1',
          paperCost: '100',
          paperFee: '0.1',
          paperFirstFillAt: 1000,
          paperLastFillAt: 1000,
        }),
      ],
    );
    expect(r.rows[0]!.live.fee).toBeNull();
    expect(r.rows[0]!.feeDiff).toBeNull();
    expect(r.rows[0]!.status).toBeNull();
    expect(r.aggregate.fees).toEqual([]);
    expect(r.aggregate.slippageDiffBps).toBe(0);
  });

  it('does not count an order the exchange refused as one paper filled and live did not', () => {
    const paperFilled = { paperFilled: '1', paperCost: '100', paperFee: '0.1', paperFirstFillAt: 1000 };
    const r = divergenceReport(
      [order('o1', 'rejected'), order('o2', 'cancelled')],
      [],
      [twin({ orderId: 'o1', ...paperFilled }), twin({ orderId: 'o2', ...paperFilled })],
    );
    expect(r.aggregate.paperOnly).toBe(1);
    expect(r.rows.map((x) => x.status)).toEqual(['rejected', 'cancelled']);
  });
});

// ---- properties ----

const fillArb = fc.record({
  cents: fc.integer({ min: 9_000, max: 11_000 }),
  lots: fc.integer({ min: 1, max: 500 }),
  feeMicros: fc.integer({ min: 0, max: 100_000 }),
  dt: fc.integer({ min: 0, max: 60_000 }),
});
type FillSpec = { cents: number; lots: number; feeMicros: number; dt: number };

function fillsOf(specs: FillSpec[], start: number): FillRecord[] {
  return specs.map((s) =>
    fill(
      'o1',
      Decimal.from(s.cents).div(100, 2, 'half-even').toString(),
      Decimal.from(s.lots).div(1000, 3, 'half-even').toString(),
      Decimal.from(s.feeMicros).div(1_000_000, 6, 'half-even').toString(),
      'USDT',
      start + s.dt,
    ),
  );
}

/** The twin that filled exactly these fills. */
function twinOf(fills: FillRecord[], base: TwinRecord): TwinRecord {
  const times = fills.map((f) => f.time);
  return {
    ...base,
    paperFilled: Decimal.sum(fills.map((f) => Decimal.from(f.amount))).toString(),
    paperCost: Decimal.sum(fills.map((f) => Decimal.from(f.quote))).toString(),
    paperFee: Decimal.sum(fills.map((f) => Decimal.from(f.fee))).toString(),
    paperFirstFillAt: times.length ? Math.min(...times) : null,
    paperLastFillAt: times.length ? Math.max(...times) : null,
  };
}

const setupArb = fc.record({
  side: fc.constantFrom<Side>('buy', 'sell'),
  midCents: fc.integer({ min: 9_500, max: 10_500 }),
  start: fc.integer({ min: 0, max: 1e12 }),
});

describe('divergenceReport properties', () => {
  it('identical live and paper fills show no divergence at all', () => {
    fc.assert(
      fc.property(
        setupArb,
        fc.array(fillArb, { minLength: 1, maxLength: 6 }),
        ({ side, midCents, start }, specs) => {
          const fills = fillsOf(specs, start).map((f) => ({ ...f, side }));
          const base = twin({ side, startedAt: start, arrivalMid: String(midCents / 100), amount: '0.5' });
          const { rows, aggregate } = divergenceReport([], fills, [twinOf(fills, base)]);
          const r = rows[0]!;
          expect(r.live).toEqual(r.paper);
          expect(r.slippageDiffBps).toBe(0);
          expect(Decimal.from(r.feeDiff!).isZero()).toBe(true);
          expect(aggregate.slippageDiffBps).toBe(0);
          expect(aggregate.paperOnly + aggregate.liveOnly).toBe(0);
          expect(Decimal.from(aggregate.fees[0]!.diff).isZero()).toBe(true);
        },
      ),
    );
  });

  it('swapping what live and paper did turns every difference around', () => {
    fc.assert(
      fc.property(
        setupArb,
        fc.array(fillArb, { maxLength: 5 }),
        fc.array(fillArb, { maxLength: 5 }),
        ({ side, midCents, start }, xs, ys) => {
          const x = fillsOf(xs, start).map((f) => ({ ...f, side }));
          const y = fillsOf(ys, start).map((f) => ({ ...f, side }));
          const base = twin({ side, startedAt: start, arrivalMid: String(midCents / 100), amount: '2.5' });
          const a = divergenceReport([], x, [twinOf(y, base)]);
          const b = divergenceReport([], y, [twinOf(x, base)]);
          const [ra, rb] = [a.rows[0]!, b.rows[0]!];
          expect(ra.live).toEqual(rb.paper);
          expect(ra.paper).toEqual(rb.live);
          if (ra.slippageDiffBps === null) expect(rb.slippageDiffBps).toBeNull();
          else expect(ra.slippageDiffBps).toBe(-rb.slippageDiffBps! || 0);
          expect(Decimal.from(ra.feeDiff!).add(rb.feeDiff!).isZero()).toBe(true);
          if (a.aggregate.slippageDiffBps === null) expect(b.aggregate.slippageDiffBps).toBeNull();
          else expect(a.aggregate.slippageDiffBps + b.aggregate.slippageDiffBps!).toBe(0);
          expect([a.aggregate.paperOnly, a.aggregate.liveOnly]).toEqual([
            b.aggregate.liveOnly,
            b.aggregate.paperOnly,
          ]);
        },
      ),
    );
  });
});
