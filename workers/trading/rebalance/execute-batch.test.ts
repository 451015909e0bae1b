import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineError } from '../../shared/errors.js';
import type { OrderPreview, OrderRequest } from '../api.js';
import type { RebalanceLeg, RebalancePlan } from '../portfolio/api.js';
import type { RiskCheck, RiskRule } from '../risk/risk-gate.js';
import { executeBatch, type BatchGate } from './execute-batch.js';

function leg(id: string, side: 'buy' | 'sell', base: string, amount: string): RebalanceLeg {
  return {
    id,
    order: { symbol: `${base}/USDT`, side, type: 'market', amount },
    notional: 1,
    estFee: 0,
    note: null,
  };
}

function plan(legs: RebalanceLeg[]): RebalancePlan {
  return { ok: true, error: null, accountId: 'paper', rows: [], legs, skipped: [], previews: [], total: 1 };
}

const twoSellsTwoBuys = () =>
  plan([
    leg('rb-sell-btc', 'sell', 'BTC', '0.5'),
    leg('rb-sell-eth', 'sell', 'ETH', '2'),
    leg('rb-buy-sol', 'buy', 'SOL', '3'),
    leg('rb-buy-ada', 'buy', 'ADA', '100'),
  ]);

const check = (rule: RiskRule, passed: boolean, message: string): RiskCheck => ({
  rule,
  passed,
  message,
  details: {},
});

/**
 * A trading engine stand-in: buys lack funds until the sells have settled (when the test says they
 * fund them), listed symbols fail a rule, and place dedups by client order id like the real one.
 */
class FakeGate implements BatchGate {
  log: string[] = [];
  placed = new Map<string, OrderRequest>();
  settled = false;
  settleCalls: { ids: string[]; timeoutMs: number }[] = [];

  constructor(
    private readonly opts: {
      fundedBySells?: boolean;
      fail?: Record<string, { rule: RiskRule; message: string }>;
      failAfterSettle?: Record<string, { rule: RiskRule; message: string }>;
      placeThrows?: Record<string, EngineError>;
      previewThrows?: Record<string, unknown>;
      /** Free balance per asset; plenty unless a test says otherwise. */
      free?: Record<string, string>;
    } = {},
  ) {}

  async free(asset: string): Promise<string> {
    return this.opts.free?.[asset] ?? '1000000';
  }

  async preview(order: OrderRequest): Promise<OrderPreview> {
    this.log.push(`preview ${order.side} ${order.symbol}`);
    const thrown = this.opts.previewThrows?.[order.symbol];
    if (thrown !== undefined) throw thrown;
    const checks = [check('halted', true, 'Trading is armed.')];
    const failing =
      this.opts.fail?.[order.symbol] ??
      (this.settled ? this.opts.failAfterSettle?.[order.symbol] : undefined);
    if (failing) checks.push(check(failing.rule, false, failing.message));
    if (order.side === 'buy' && this.opts.fundedBySells && !this.settled)
      checks.push(check('balance', false, `Buying ${order.amount} needs more USDT than is free.`));
    else checks.push(check('balance', true, 'Enough is free.'));
    return {
      ok: checks.every((c) => c.passed),
      fieldErrors: {},
      snapped: { amount: order.amount, price: null, stopPrice: null },
      estimate: null,
      resulting: null,
      checks,
      emulated: false,
    };
  }

  async place(order: OrderRequest, clientOrderId: string): Promise<{ id: string }> {
    this.log.push(`place ${clientOrderId}`);
    const error = this.opts.placeThrows?.[order.symbol];
    if (error) throw error;
    if (!this.placed.has(clientOrderId)) this.placed.set(clientOrderId, order);
    return { id: clientOrderId };
  }

  async settle(ids: string[], timeoutMs: number): Promise<void> {
    this.log.push(`settle ${ids.join(',')}`);
    this.settleCalls.push({ ids, timeoutMs });
    this.settled = true;
  }
}

const statuses = (r: { legs: { id: string; status: string }[] }) =>
  Object.fromEntries(r.legs.map((l) => [l.id, l.status]));

describe('executeBatch, proceed', () => {
  it('sends the sells, waits for them, then previews and sends the buys', async () => {
    const gate = new FakeGate({ fundedBySells: true });
    const r = await executeBatch(twoSellsTwoBuys(), 'proceed', gate, { settleTimeoutMs: 5_000 });
    expect(gate.log).toEqual([
      'preview sell BTC/USDT',
      'place rb-sell-btc',
      'preview sell ETH/USDT',
      'place rb-sell-eth',
      'settle rb-sell-btc,rb-sell-eth',
      'preview buy SOL/USDT',
      'place rb-buy-sol',
      'preview buy ADA/USDT',
      'place rb-buy-ada',
    ]);
    expect(gate.settleCalls).toEqual([{ ids: ['rb-sell-btc', 'rb-sell-eth'], timeoutMs: 5_000 }]);
    expect(r.mode).toBe('proceed');
    expect(r.legs).toEqual([
      { id: 'rb-sell-btc', symbol: 'BTC/USDT', side: 'sell', amount: '0.5', status: 'sent', reason: null },
      { id: 'rb-sell-eth', symbol: 'ETH/USDT', side: 'sell', amount: '2', status: 'sent', reason: null },
      { id: 'rb-buy-sol', symbol: 'SOL/USDT', side: 'buy', amount: '3', status: 'sent', reason: null },
      { id: 'rb-buy-ada', symbol: 'ADA/USDT', side: 'buy', amount: '100', status: 'sent', reason: null },
    ]);
  });

  it('rejects the legs that fail a check with its message and sends the rest', async () => {
    const gate = new FakeGate({
      fundedBySells: true,
      fail: { 'ETH/USDT': { rule: 'price-band', message: 'The price is 9 % from the mark.' } },
      failAfterSettle: { 'ADA/USDT': { rule: 'order-notional', message: 'Order value above the limit.' } },
    });
    const r = await executeBatch(twoSellsTwoBuys(), 'proceed', gate);
    expect(statuses(r)).toEqual({
      'rb-sell-btc': 'sent',
      'rb-sell-eth': 'rejected',
      'rb-buy-sol': 'sent',
      'rb-buy-ada': 'rejected',
    });
    expect(r.legs[1]!.reason).toBe('The price is 9 % from the mark.');
    expect(r.legs[3]!.reason).toBe('Order value above the limit.');
    expect([...gate.placed.keys()]).toEqual(['rb-sell-btc', 'rb-buy-sol']);
  });

  it('a place that throws an EngineError rejects that leg with its message', async () => {
    const gate = new FakeGate({
      placeThrows: {
        'BTC/USDT': { code: 'exchange', message: 'The exchange is down for maintenance.', retryable: true },
      },
    });
    const r = await executeBatch(twoSellsTwoBuys(), 'proceed', gate);
    expect(r.legs[0]).toMatchObject({ status: 'rejected', reason: 'The exchange is down for maintenance.' });
    expect(statuses(r)).toMatchObject({ 'rb-sell-eth': 'sent', 'rb-buy-sol': 'sent', 'rb-buy-ada': 'sent' });
    expect(gate.settleCalls[0]!.ids).toEqual(['rb-sell-eth']);
  });

  it('a preview that throws rejects that leg', async () => {
    const gate = new FakeGate({
      previewThrows: { 'SOL/USDT': { code: 'bad-symbol', message: 'Unknown market.' } },
    });
    const r = await executeBatch(twoSellsTwoBuys(), 'proceed', gate);
    expect(r.legs[2]).toMatchObject({ status: 'rejected', reason: 'Unknown market.' });
    expect(r.legs[3]!.status).toBe('sent');
  });

  it('sends each leg under its id, so sending the plan again sends nothing twice', async () => {
    const gate = new FakeGate();
    const p = twoSellsTwoBuys();
    await executeBatch(p, 'proceed', gate);
    await executeBatch(p, 'proceed', gate);
    expect(gate.log.filter((l) => l.startsWith('place '))).toHaveLength(8);
    expect([...gate.placed.keys()]).toEqual(p.legs.map((l) => l.id));
  });

  it('does not wait for sells when no buy follows them', async () => {
    const gate = new FakeGate();
    const r = await executeBatch(plan([leg('rb-sell-btc', 'sell', 'BTC', '0.5')]), 'proceed', gate);
    expect(r.legs[0]!.status).toBe('sent');
    expect(gate.settleCalls).toEqual([]);
  });

  it('skips the wait when no sell went', async () => {
    const gate = new FakeGate();
    const r = await executeBatch(plan([leg('rb-buy-sol', 'buy', 'SOL', '3')]), 'proceed', gate);
    expect(r.legs[0]!.status).toBe('sent');
    expect(gate.settleCalls).toEqual([]);
  });
});

describe('executeBatch, all-or-nothing', () => {
  it('sends nothing when the free cash and the sells’ proceeds cannot pay for the buys', async () => {
    // 200 USDT free (800 more held by open orders): a 500 sell cannot fund a 1,000 buy.
    const gate = new FakeGate({ fundedBySells: true, free: { USDT: '200' } });
    const p = plan([
      { ...leg('rb-sell-btc', 'sell', 'BTC', '0.01'), notional: 500, estFee: 0.5 },
      { ...leg('rb-buy-eth', 'buy', 'ETH', '0.5'), notional: 1000, estFee: 1 },
    ]);
    const r = await executeBatch(p, 'all-or-nothing', gate);
    expect(gate.log.filter((l) => l.startsWith('place '))).toEqual([]);
    expect(r.legs.map((l) => l.status)).toEqual(['not-sent', 'not-sent']);
    expect(r.legs[0]!.reason).toMatch(/need about 1,?001(\.00)? USDT.*only 200(\.00)? USDT is free.*499\.5/);
    // With enough free cash the same batch goes.
    const rich = new FakeGate({ fundedBySells: true, free: { USDT: '600' } });
    const ok = await executeBatch(p, 'all-or-nothing', rich);
    expect(ok.legs.map((l) => l.status)).toEqual(['sent', 'sent']);
  });

  it('previews every leg first; a buy short of funds the sells will bring does not stop the batch', async () => {
    const gate = new FakeGate({ fundedBySells: true });
    const r = await executeBatch(twoSellsTwoBuys(), 'all-or-nothing', gate);
    expect(gate.log).toEqual([
      'preview sell BTC/USDT',
      'preview sell ETH/USDT',
      'preview buy SOL/USDT',
      'preview buy ADA/USDT',
      'place rb-sell-btc',
      'place rb-sell-eth',
      'settle rb-sell-btc,rb-sell-eth',
      'preview buy SOL/USDT',
      'place rb-buy-sol',
      'preview buy ADA/USDT',
      'place rb-buy-ada',
    ]);
    expect(Object.values(statuses(r))).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('sends nothing when one leg fails another check, and every leg says why', async () => {
    const gate = new FakeGate({
      fundedBySells: true,
      fail: { 'SOL/USDT': { rule: 'stale-data', message: 'The SOL/USDT price is 3 min old.' } },
    });
    const r = await executeBatch(twoSellsTwoBuys(), 'all-or-nothing', gate);
    expect(gate.log.filter((l) => !l.startsWith('preview'))).toEqual([]);
    const why = 'Not sent: the batch is all-or-nothing and the SOL/USDT buy of 3 was refused.';
    expect(r.legs.map((l) => [l.status, l.reason])).toEqual([
      ['not-sent', why],
      ['not-sent', why],
      // Only the real refusal: the funds the sells would bring are not a reason.
      ['rejected', 'The SOL/USDT price is 3 min old.'],
      ['not-sent', why],
    ]);
  });

  it('a sell short of balance is a failure: no later sell pays for it', async () => {
    const gate = new FakeGate({
      fail: { 'BTC/USDT': { rule: 'balance', message: 'Only 0.1 BTC is free.' } },
    });
    const r = await executeBatch(twoSellsTwoBuys(), 'all-or-nothing', gate);
    expect(r.legs[0]).toMatchObject({ status: 'rejected', reason: 'Only 0.1 BTC is free.' });
    expect(gate.placed.size).toBe(0);
  });

  it('with no sells, a buy short of funds is refused up front', async () => {
    const gate = new FakeGate({ fundedBySells: true });
    const r = await executeBatch(
      plan([leg('rb-buy-sol', 'buy', 'SOL', '3'), leg('rb-buy-ada', 'buy', 'ADA', '100')]),
      'all-or-nothing',
      gate,
    );
    expect(statuses(r)).toEqual({ 'rb-buy-sol': 'rejected', 'rb-buy-ada': 'rejected' });
    expect(r.legs[0]!.reason).toBe('Buying 3 needs more USDT than is free.');
    expect(r.legs[1]!.reason).toContain('needs more USDT');
    expect(gate.placed.size).toBe(0);
    expect(gate.settleCalls).toEqual([]);
  });

  it('stops the remaining buys when a buy is still refused after the sells, saying the sells went', async () => {
    const gate = new FakeGate({
      fundedBySells: true,
      failAfterSettle: { 'SOL/USDT': { rule: 'balance', message: 'Only 80 USDT is free.' } },
    });
    const r = await executeBatch(twoSellsTwoBuys(), 'all-or-nothing', gate);
    expect(statuses(r)).toEqual({
      'rb-sell-btc': 'sent',
      'rb-sell-eth': 'sent',
      'rb-buy-sol': 'rejected',
      'rb-buy-ada': 'not-sent',
    });
    const went = 'The sells already went (BTC/USDT sell of 0.5, ETH/USDT sell of 2) and are not undone.';
    expect(r.legs[2]!.reason).toBe(`Only 80 USDT is free. ${went}`);
    expect(r.legs[3]!.reason).toBe(
      `Not sent: the SOL/USDT buy of 3 was refused after the sells, so the rest of the all-or-nothing batch stopped. ${went}`,
    );
    // ADA was previewed once, up front, and not again after the stop.
    expect(gate.log.filter((l) => l === 'preview buy ADA/USDT')).toHaveLength(1);
    expect(gate.placed.has('rb-buy-ada')).toBe(false);
  });

  it('stops after a sell the engine refuses when sent, naming what already went', async () => {
    const gate = new FakeGate({
      placeThrows: { 'ETH/USDT': { code: 'rejected', message: 'Trading is halted.', retryable: false } },
    });
    const r = await executeBatch(twoSellsTwoBuys(), 'all-or-nothing', gate);
    expect(statuses(r)).toEqual({
      'rb-sell-btc': 'sent',
      'rb-sell-eth': 'rejected',
      'rb-buy-sol': 'not-sent',
      'rb-buy-ada': 'not-sent',
    });
    expect(r.legs[1]!.reason).toBe('Trading is halted.');
    expect(r.legs[2]!.reason).toBe(
      'Not sent: the ETH/USDT sell of 2 was refused when sent, so the rest of the all-or-nothing batch stopped. The sells already went (BTC/USDT sell of 0.5) and are not undone.',
    );
    // Nothing is left to judge after the stop, so there is nothing to wait for.
    expect(gate.settleCalls).toEqual([]);
  });
});

describe('executeBatch, bad input', () => {
  it('sends nothing from a refused plan', async () => {
    const gate = new FakeGate();
    const p: RebalancePlan = {
      ...twoSellsTwoBuys(),
      ok: false,
      error: 'Targets add up to 90 %: 10 % short of 100 %.',
    };
    const r = await executeBatch(p, 'proceed', gate);
    expect(gate.log).toEqual([]);
    expect(r.legs.every((l) => l.status === 'not-sent' && l.reason === p.error)).toBe(true);
  });

  it('sends nothing for an unknown mode', async () => {
    const gate = new FakeGate();
    const r = await executeBatch(twoSellsTwoBuys(), 'yolo' as 'proceed', gate);
    expect(gate.log).toEqual([]);
    expect(r.legs.every((l) => l.status === 'not-sent')).toBe(true);
  });

  it('refuses a leg whose id another leg already uses', async () => {
    const gate = new FakeGate();
    const r = await executeBatch(
      plan([leg('rb-buy-sol', 'buy', 'SOL', '3'), leg('rb-buy-sol', 'buy', 'ADA', '100')]),
      'proceed',
      gate,
    );
    expect(r.legs.map((l) => l.status)).toEqual(['sent', 'rejected']);
    expect(r.legs[1]!.reason).toContain('same id');
    expect(gate.placed.get('rb-buy-sol')!.symbol).toBe('SOL/USDT');
  });

  it('names a leg without an order and stops an all-or-nothing batch on it', async () => {
    const gate = new FakeGate();
    const broken = { id: 'rb-broken', notional: 0, estFee: 0, note: null } as unknown as RebalanceLeg;
    const r = await executeBatch(
      plan([leg('rb-sell-btc', 'sell', 'BTC', '0.5'), broken]),
      'all-or-nothing',
      gate,
    );
    expect(r.legs[1]).toMatchObject({
      status: 'rejected',
      reason: 'This leg has no order: plan the rebalance again.',
    });
    expect(r.legs[0]).toMatchObject({
      status: 'not-sent',
      reason: 'Not sent: the batch is all-or-nothing and the unnamed buy of no amount was refused.',
    });
    expect(gate.placed.size).toBe(0);
  });

  it('refuses a leg without a valid client order id', async () => {
    const gate = new FakeGate();
    const r = await executeBatch(plan([leg('x', 'buy', 'SOL', '3')]), 'all-or-nothing', gate);
    expect(r.legs[0]).toMatchObject({
      status: 'rejected',
      reason: 'This leg has no valid order id: plan the rebalance again.',
    });
    expect(gate.log).toEqual([]);
  });
});

describe('executeBatch properties', () => {
  const failure = fc.constantFrom(null, null, null, 'price-band', 'balance') as fc.Arbitrary<RiskRule | null>;
  const legArb = fc.record({ sell: fc.boolean(), upFront: failure, afterSettle: failure });

  it('sells go before buys, nothing goes twice, and each mode keeps its promise', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(legArb, { minLength: 1, maxLength: 6 }), fc.boolean(), async (specs, aon) => {
        const legs = specs.map((x, i) => leg(`rb-leg-${i}-x`, x.sell ? 'sell' : 'buy', `A${i}`, '1'));
        const sells = legs.filter((l) => l.order.side === 'sell');
        const buys = legs.filter((l) => l.order.side === 'buy');
        const ordered = plan([...sells, ...buys]);
        const spec = (l: RebalanceLeg) => specs[Number(l.id.split('-')[2])]!;
        const rule = (r: RiskRule | null) => (r ? { rule: r, message: `${r} failed.` } : undefined);
        const gate = new FakeGate({
          fail: Object.fromEntries(
            legs.flatMap((l) => (rule(spec(l).upFront) ? [[l.order.symbol, rule(spec(l).upFront)!]] : [])),
          ),
          failAfterSettle: Object.fromEntries(
            legs.flatMap((l) =>
              rule(spec(l).afterSettle) ? [[l.order.symbol, rule(spec(l).afterSettle)!]] : [],
            ),
          ),
        });
        const r = await executeBatch(ordered, aon ? 'all-or-nothing' : 'proceed', gate);
        const placedOrder = gate.log.filter((x) => x.startsWith('place ')).map((x) => x.slice(6));
        expect(new Set(placedOrder).size).toBe(placedOrder.length);
        const sent = r.legs.filter((l) => l.status === 'sent').map((l) => l.id);
        expect(sent).toEqual(placedOrder);
        const firstBuy = placedOrder.findIndex((id) => buys.some((b) => b.id === id));
        if (firstBuy >= 0)
          expect(placedOrder.slice(firstBuy).every((id) => buys.some((b) => b.id === id))).toBe(true);
        expect(r.legs.every((l) => (l.status === 'sent') === (l.reason === null))).toBe(true);

        // The fake refuses `afterSettle` legs only once the sells were waited for.
        const settled = gate.settleCalls.length > 0;
        const sellsSent = sells.some((l) => sent.includes(l.id));
        if (!aon) expect(settled).toBe(sellsSent && buys.length > 0);
        const refusedLater = (l: RebalanceLeg) => settled && spec(l).afterSettle !== null;
        // A buy short of balance up front waits for the sells' proceeds when there are sells.
        const waits = (l: RebalanceLeg) =>
          l.order.side === 'buy' && spec(l).upFront === 'balance' && sells.length > 0;
        const hardUpFront = ordered.legs.some((l) => spec(l).upFront !== null && !waits(l));
        if (aon && hardUpFront) expect(sent).toEqual([]);
        if (aon && !hardUpFront) {
          expect(sells.every((l) => sent.includes(l.id))).toBe(true);
          // Buys go in order until the first one the gate refuses after the sells; none after it.
          const stop = buys.findIndex((l) => spec(l).upFront !== null || refusedLater(l));
          const expected = stop < 0 ? buys : buys.slice(0, stop);
          expect(sent.filter((id) => buys.some((b) => b.id === id))).toEqual(expected.map((l) => l.id));
        }
        if (!aon) {
          const passes = (l: RebalanceLeg) =>
            spec(l).upFront === null && (l.order.side === 'sell' || !refusedLater(l));
          expect(sent).toEqual(ordered.legs.filter(passes).map((l) => l.id));
        }
      }),
      { numRuns: 300 },
    );
  });
});
