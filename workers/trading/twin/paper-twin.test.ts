import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { TapeTrade } from '../../market/trade-tape.js';
import { rulesOf } from '../../money/market-rules.js';
import { LyraDb } from '../../store/db.js';
import type { PlaceRequest, OrderRequest } from '../api.js';
import { MarketLink } from '../market-link.js';
import { buildOrders } from '../order-factory.js';
import { BTC, FakeMarket } from '../test-support.js';
import type { TradingContext } from '../trading-context.js';
import { TradingState } from '../trading-state.js';
import type { OrderRecord, PaperAccount } from '../types.js';
import { PaperTwin } from './paper-twin.js';
import { DexieTwinStore, MemoryTwinStore, type TwinStore } from './twin-store.js';

const rules = rulesOf(BTC); // tick 0.01, lot 0.001, maker and taker 0.1 %
const t0 = Date.UTC(2026, 2, 1);

/** A twin engine on a scripted market: the test sets the clock, the book and every print. */
function harness(store: TwinStore = new MemoryTwinStore(), config = {}) {
  let now = t0;
  const market = new FakeMarket();
  const link = new MarketLink(() => now);
  const state = new TradingState();
  state.rules.set(BTC.symbol, rules);
  const account: PaperAccount = {
    id: 'live:a',
    live: { vaultId: 'a', venue: 'sandbox' },
    exchange: 'binance',
    name: 'Sandbox',
    balances: { USDT: '1000', BTC: '1' },
    reserved: {},
    starting: { USDT: '1000', BTC: '1' },
    latencyMs: 0,
    createdAt: t0,
    resetAt: t0,
  };
  state.account = account;
  const notices: string[] = [];
  const ctx = {
    state,
    link,
    market,
    now: () => now,
    notice: (_level: string, message: string) => notices.push(message),
    bookFor: async (symbol: string) => link.books.get(symbol) ?? null,
  } as unknown as TradingContext;
  const twins = new PaperTwin(ctx, store, config);
  let seq = 0;
  return {
    twins,
    state,
    account,
    notices,
    store,
    advance: (ms: number) => (now += ms),
    book(bids: number[], asks: number[]) {
      link.holdBook(BTC.symbol, {
        nonce: 1,
        time: now,
        bids: Float64Array.from(bids),
        asks: Float64Array.from(asks),
      });
      return twins.onBook(BTC.symbol);
    },
    print(price: number, amount: number, side: 'buy' | 'sell') {
      const trade: TapeTrade = { id: `p${++seq}`, time: now, price, amount, side };
      return twins.onTrades(BTC.symbol, [trade]);
    },
    /** The twin as stored: what the divergence view reads. */
    twin: async (id: string) => store.get(id),
  };
}

function liveOrder(order: Partial<OrderRequest>, id = 'lylive0001'): OrderRecord {
  const built = buildOrders(
    {
      kind: 'order',
      order: { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.5', ...order },
    } as PlaceRequest,
    { accountId: 'live:a', exchange: 'binance', now: t0, latencyMs: 0, rules },
    () => id,
    null,
  );
  if (!built.orders[0]) throw new Error(JSON.stringify(built.errors));
  return built.orders[0];
}

describe('PaperTwin on arrival', () => {
  it('walks the book a market order meets, level by level, at the taker fee', async () => {
    const h = harness();
    await h.book([99, 1], [100, 0.3, 101, 1]);
    await h.twins.start(liveOrder({}));
    expect(await h.twin('lylive0001')).toMatchObject({
      status: 'done',
      arrivalMid: '99.5',
      startedAt: t0,
      // 0.3 @ 100 + 0.2 @ 101
      paperFilled: '0.5',
      paperCost: '50.2',
      paperFee: '0.0502',
      paperFirstFillAt: t0,
      paperLastFillAt: t0,
      endReason: 'Filled.',
    });
  });

  it('never touches balances or positions', async () => {
    const h = harness();
    await h.book([99, 1], [100, 5]);
    const before = structuredClone(h.account);
    await h.twins.start(liveOrder({ amount: '1' }));
    await h.twins.start(liveOrder({ side: 'sell', amount: '0.4' }, 'lylive0002'));
    expect(h.state.account).toEqual(before);
    expect(h.state.positions.size).toBe(0);
    expect(h.state.fills).toEqual([]);
    expect((await h.twin('lylive0002'))?.paperFilled).toBe('0.4');
  });

  it('starts once per live order, even when the order is sent again after the twin finished', async () => {
    const h = harness();
    await h.book([99, 1], [100, 5]);
    const order = liveOrder({});
    await h.twins.start(order);
    h.advance(1000);
    await h.book([99, 1], [150, 5]);
    await h.twins.start(order);
    expect(await h.twin(order.id)).toMatchObject({ paperCost: '50', startedAt: t0 });
  });

  it('a post-only order that would take is refused by paper: nothing fills', async () => {
    const h = harness();
    await h.book([99, 1], [100, 5]);
    await h.twins.start(liveOrder({ type: 'limit', price: '100', postOnly: true }));
    const t = await h.twin('lylive0001');
    expect(t).toMatchObject({ status: 'done', paperFilled: '0' });
    expect(t?.endReason).toMatch(/post-only/);
  });

  it('with no book at hand it waits, then arrives at the next one', async () => {
    const h = harness();
    await h.twins.start(liveOrder({}));
    expect(await h.twin('lylive0001')).toMatchObject({ status: 'running', arrived: false, paperFilled: '0' });
    h.advance(200);
    await h.book([99, 1], [100, 5]);
    expect(await h.twin('lylive0001')).toMatchObject({
      status: 'done',
      paperFilled: '0.5',
      paperFirstFillAt: t0 + 200,
      startedAt: t0,
    });
  });
});

describe('PaperTwin resting', () => {
  it('waits behind the queue at its price, fills as maker from prints that reach it', async () => {
    const h = harness();
    await h.book([99, 1, 98, 2], [100, 5]);
    await h.twins.start(liveOrder({ type: 'limit', price: '99' }));
    expect(h.twins.active[0]?.queueAhead).toBe('1');
    h.advance(1000);
    await h.print(99, 0.6, 'sell'); // eats 0.6 of the 1 ahead
    expect(h.twins.active[0]).toMatchObject({ queueAhead: '0.4', paperFilled: '0' });
    h.advance(1000);
    await h.print(99, 0.7, 'sell'); // 0.4 ahead, then 0.3 of ours
    expect(await h.twin('lylive0001')).toMatchObject({
      status: 'running',
      paperFilled: '0.3',
      paperCost: '29.7',
      paperFee: '0.0297',
      paperFirstFillAt: t0 + 2000,
      queueAhead: '0',
    });
    h.advance(1000);
    await h.print(98.5, 5, 'sell'); // through our price: the rest fills at our limit
    expect(await h.twin('lylive0001')).toMatchObject({
      status: 'done',
      paperFilled: '0.5',
      paperCost: '49.5',
      paperLastFillAt: t0 + 3000,
    });
  });

  it('ignores prints from its own side and prints from before it started', async () => {
    const h = harness();
    await h.book([99, 0], [100, 5]);
    await h.twins.start(liveOrder({ type: 'limit', price: '99' }));
    await h.print(98, 5, 'buy');
    await h.twins.onTrades(BTC.symbol, [{ id: 'old', time: t0 - 1, price: 90, amount: 5, side: 'sell' }]);
    expect(h.twins.active[0]?.paperFilled).toBe('0');
  });

  it('fills from a book that crosses its price', async () => {
    const h = harness();
    await h.book([99, 1], [100, 5]);
    await h.twins.start(liveOrder({ type: 'limit', price: '99', amount: '0.2' }));
    h.advance(500);
    await h.book([97, 1], [98.9, 0.05, 99, 1]);
    expect(await h.twin('lylive0001')).toMatchObject({
      status: 'done',
      paperFilled: '0.2',
      paperCost: '19.8',
    });
  });

  it('shares one print between resting twins, best price first', async () => {
    const h = harness();
    await h.book([98, 0], [100, 5]);
    await h.twins.start(liveOrder({ type: 'limit', price: '98', amount: '0.5' }, 'lylow00001'));
    h.advance(10);
    await h.twins.start(liveOrder({ type: 'limit', price: '99', amount: '0.5' }, 'lyhigh0001'));
    h.advance(10);
    await h.print(97, 0.6, 'sell');
    expect((await h.twin('lyhigh0001'))?.paperFilled).toBe('0.5');
    expect((await h.twin('lylow00001'))?.paperFilled).toBe('0.1');
  });

  it('counts a print once when it comes by the stream and again in a poll', async () => {
    const h = harness();
    await h.book([99, 0], [100, 5]);
    await h.twins.start(liveOrder({ type: 'limit', price: '99' }));
    const print: TapeTrade = { id: 'same', time: t0, price: 98, amount: 0.2, side: 'sell' };
    await h.twins.onTrades(BTC.symbol, [print]);
    await h.twins.onTrades(BTC.symbol, [print]);
    expect((await h.twin('lylive0001'))?.paperFilled).toBe('0.2');
  });
});

describe('PaperTwin and its live order', () => {
  it('a cancelled live order cancels the twin’s remainder at the same moment', async () => {
    const h = harness();
    await h.book([99, 0], [100, 5]);
    await h.twins.start(liveOrder({ type: 'limit', price: '99' }));
    await h.print(98, 0.1, 'sell');
    h.advance(5000);
    await h.twins.ended('lylive0001', 'cancelled');
    await h.print(98, 5, 'sell');
    const t = await h.twin('lylive0001');
    expect(t).toMatchObject({ status: 'done', paperFilled: '0.1', queueAhead: null, updatedAt: t0 + 5000 });
    expect(t?.endReason).toMatch(/cancelled/);
    expect(h.twins.active).toHaveLength(0);
  });

  it('after the live order filled, a resting twin gets a while longer, then stops', async () => {
    const h = harness(new MemoryTwinStore(), { afterLiveFillMs: 60_000 });
    await h.book([99, 0], [100, 5]);
    await h.twins.start(liveOrder({ type: 'limit', price: '99' }));
    await h.twins.ended('lylive0001', 'filled');
    h.advance(30_000);
    await h.twins.tick();
    await h.print(98, 0.2, 'sell');
    expect(await h.twin('lylive0001')).toMatchObject({ status: 'running', paperFilled: '0.2' });
    h.advance(30_000);
    await h.twins.tick();
    const t = await h.twin('lylive0001');
    expect(t).toMatchObject({ status: 'done', paperFilled: '0.2', liveFilledAt: t0 });
    expect(t?.endReason).toMatch(/had not filled/);
  });

  it('a stop-limit the exchange holds waits for its trigger on the tape, then arrives', async () => {
    const h = harness();
    await h.book([99, 1], [100, 5]);
    await h.twins.start(liveOrder({ type: 'stop-limit', side: 'buy', stopPrice: '105', price: '106' }));
    await h.print(104, 1, 'buy');
    expect(await h.twin('lylive0001')).toMatchObject({ status: 'running', arrived: false, paperFilled: '0' });
    h.advance(1000);
    await h.book([104, 1], [105.5, 0.2, 107, 1]);
    await h.print(105, 1, 'buy');
    expect(await h.twin('lylive0001')).toMatchObject({
      startedAt: t0 + 1000,
      trigger: null,
      arrived: true,
      arrivalMid: '104.75',
      paperFilled: '0.2',
      queueAhead: '0',
    });
  });
});

describe('PaperTwin across a reload', () => {
  const dbs: LyraDb[] = [];
  afterEach(async () => {
    for (const db of dbs.splice(0)) await db.delete();
  });

  it('a running twin is stored and resumes where it was in a new engine', async () => {
    const db = new LyraDb(`twins-${Math.random()}`);
    dbs.push(db);
    const first = harness(new DexieTwinStore(db));
    await first.book([99, 1], [100, 5]);
    await first.twins.start(liveOrder({ type: 'limit', price: '99' }));
    await first.print(99, 0.6, 'sell');
    await first.twins.tick(); // the queue position is saved on the tick
    expect((await db.twins.get('lylive0001'))?.queueAhead).toBe('0.4');

    const second = harness(new DexieTwinStore(db));
    await second.twins.resume();
    expect(second.twins.active.map((t) => t.orderId)).toEqual(['lylive0001']);
    second.advance(1000);
    await second.print(99, 0.5, 'sell');
    expect(await db.twins.get('lylive0001')).toMatchObject({ paperFilled: '0.1', status: 'running' });
    expect(await new DexieTwinStore(db).recent('live:a', 10)).toHaveLength(1);
  });
});
