import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Decimal } from '../../money/decimal.js';
import { emptyColumns } from '../../market/candle-series.js';
import { MarketStore } from '../../store/market-store.js';
import { engine, sleep } from '../test-support.js';
import { feeCacheKey } from './fee-totals.js';
import { PortfolioService } from './portfolio-service.js';

type Engine = Awaited<ReturnType<typeof engine>>;
const running: Engine[] = [];

afterEach(() => {
  for (const e of running.splice(0)) e.trading.stop();
});

async function setup() {
  const e = await engine();
  running.push(e);
  const portfolio = new PortfolioService({ db: e.db, trading: e.trading, market: e.market });
  e.trading.accountEvents = portfolio.recorder;
  await e.trading.configurePaper({ balances: { USDT: '10000' }, latencyMs: 0 });
  e.market.setConnection('live');
  e.market.setBook('BTC/USDT', [100, 50], [101, 50]);
  e.market.setBook('ETH/USDT', [20, 500], [20.1, 500]);
  await e.settle();
  return { e, portfolio };
}

async function marketOrder(e: Engine, symbol: string, side: 'buy' | 'sell', amount: string) {
  await e.trading.place({ kind: 'order', order: { symbol, side, type: 'market', amount } });
  await sleep(2);
  await e.tick();
  await e.settle();
}

describe('portfolio service on a paper account', () => {
  it('holds exactly what the fills bought and sold, net of fees, valued at the marks', async () => {
    const { e, portfolio } = await setup();
    await marketOrder(e, 'BTC/USDT', 'buy', '2');
    await marketOrder(e, 'ETH/USDT', 'buy', '10');
    await marketOrder(e, 'BTC/USDT', 'sell', '0.5');

    const fills = await e.db.fills.toArray();
    expect(fills.length).toBeGreaterThanOrEqual(3);
    // What the fills say the account holds: the start, plus bought base, less quote paid, less fees.
    const expected = new Map<string, Decimal>([['USDT', Decimal.from('10000')]]);
    const add = (asset: string, d: Decimal) =>
      expected.set(asset, (expected.get(asset) ?? Decimal.ZERO).add(d));
    for (const f of fills) {
      const [base, quote] = f.symbol.split('/') as [string, string];
      const sign = f.side === 'buy' ? 1 : -1;
      add(base, Decimal.from(f.amount).mul(sign));
      add(quote, Decimal.from(f.quote).mul(-sign));
      add(f.feeAsset, Decimal.from(f.fee).neg());
    }

    const view = await portfolio.portfolio({ quote: 'USDT' });
    const held = new Map(view.holdings.map((h) => [h.asset, h.amount]));
    for (const [asset, d] of expected)
      if (!d.isZero()) expect(Decimal.from(held.get(asset) ?? '0').eq(d), asset).toBe(true);
    expect(view.missing).toEqual([]);
    const btc = view.holdings.find((h) => h.asset === 'BTC')!;
    expect(btc.priceSource).toBe('live');
    // With the feed down the same price is what was last known, not live.
    e.market.setConnection('offline');
    await e.settle();
    const offline = await portfolio.portfolio({ quote: 'USDT' });
    expect(offline.holdings.find((h) => h.asset === 'BTC')?.priceSource).toBe('last-known');
    e.market.setConnection('live');
    await e.settle();
    expect(btc.value).toBeCloseTo(btc.price! * Number(btc.amount), 9);
    expect(view.total).toBeCloseTo(
      view.holdings.reduce((s, h) => s + (h.value ?? 0), 0),
      9,
    );
    const fees = fills.reduce((s, f) => s + Number(f.fee) * (f.feeAsset === 'USDT' ? 1 : 0), 0);
    expect(view.feesPaid).toBeGreaterThan(0);
    expect(view.feesPaid).toBeCloseTo(
      fees + fills.filter((f) => f.feeAsset !== 'USDT').reduce((s, f) => s + Number(f.fee) * 100.5, 0),
      6,
    );
    expect(view.positions.find((p) => p.symbol === 'BTC/USDT')?.amount).toBe(held.get('BTC'));
  });

  it('a reset is recorded as flows with points on both sides, so performance ignores it', async () => {
    const { e, portfolio } = await setup();
    await portfolio.recorder.record(true);
    await sleep(2);
    await marketOrder(e, 'BTC/USDT', 'buy', '10');
    await e.trading.configurePaper({ balances: { USDT: '20000' }, latencyMs: 0 });
    const flows = await e.db.cashFlows.toArray();
    expect(
      flows.filter((f) => f.origin === 'auto').map((f) => [f.asset, Math.sign(Number(f.amount))]),
    ).toEqual(
      expect.arrayContaining([
        ['USDT', -1],
        ['BTC', -1],
        ['USDT', 1],
      ]),
    );
    const view = await portfolio.portfolio({ quote: 'USDT' });
    expect(view.total).toBe(20_000);
    const all = view.performance.find((p) => p.period === 'All')!;
    // Only the fees and the spread of the one trade were lost; doubling the account is not a gain.
    expect(all.pnl!).toBeLessThan(0);
    expect(all.pnl!).toBeGreaterThan(-20);
    expect(all.twr!).toBeGreaterThan(-0.002);
    expect(all.twr!).toBeLessThan(0);
  });

  it('values holdings offline from the stored ticker, and lists an unpriced one as missing', async () => {
    const { e } = await setup();
    await marketOrder(e, 'ETH/USDT', 'buy', '5');
    // A later session with no feed yet: no live marks at all.
    const offline = new PortfolioService({ db: e.db, trading: null, market: null });
    await e.db.tickers.put({
      exchange: 'binance',
      symbol: 'ETH/USDT',
      time: Date.UTC(2026, 0, 1),
      last: 30,
      open: null,
      high: null,
      low: null,
      change: null,
      percentage: null,
      baseVolume: null,
      quoteVolume: null,
      vwap: null,
      bid: null,
      ask: null,
    });
    await e.db.accounts.update('paper:binance', (a) => {
      a.balances = { ...a.balances, ZZZ: '3' };
    });
    const view = await offline.portfolio({ quote: 'USDT' });
    const eth = view.holdings.find((h) => h.asset === 'ETH')!;
    expect(eth).toMatchObject({ price: 30, priceSource: 'ticker', priceTime: Date.UTC(2026, 0, 1) });
    expect(view.pricesAsOf).toBe(Date.UTC(2026, 0, 1));
    expect(view.missing.map((m) => [m.asset, m.amount])).toEqual([['ZZZ', '3']]);
    expect(view.total).toBeCloseTo(
      view.holdings.reduce((s, h) => s + (h.value ?? 0), 0),
      9,
    );
  });

  it('records a deposit, refuses a bad one on its field, and keeps auto flows', async () => {
    const { e, portfolio } = await setup();
    const paper = (await e.db.accounts.get('paper:binance'))!;
    await e.db.accounts.put({
      ...paper,
      id: 'live:v1',
      name: 'Live',
      balances: { USDT: '100' },
      reserved: {},
      live: { vaultId: 'v1', venue: 'live' },
    });
    const flow = await portfolio.recordFlow({
      accountId: 'live:v1',
      asset: 'usdt',
      amount: '250',
      note: 'top-up',
    });
    expect(flow).toMatchObject({ asset: 'USDT', amount: '250', value: 250, origin: 'user' });
    await expect(
      portfolio.recordFlow({ accountId: 'live:v1', asset: 'QQQ', amount: '1' }),
    ).rejects.toMatchObject({
      error: { code: 'invalid-input', details: { field: 'asset' } },
    });
    await portfolio.removeFlow(flow.id);
    expect(await e.db.cashFlows.get(flow.id)).toBeUndefined();
    const auto = (await e.db.cashFlows.toArray()).find((f) => f.origin === 'auto');
    if (auto)
      await expect(portfolio.removeFlow(auto.id)).rejects.toMatchObject({
        error: { details: { field: 'id' } },
      });
  });

  it('refuses a flow on a paper account: its balances never change from one, so it would be a fake loss', async () => {
    const { e, portfolio } = await setup();
    const before = await e.db.cashFlows.count();
    await expect(
      portfolio.recordFlow({ accountId: 'paper:binance', asset: 'USDT', amount: '1000' }),
    ).rejects.toMatchObject({
      error: {
        code: 'invalid-input',
        message: expect.stringMatching(/Settings → Paper/),
        details: { field: 'accountId' },
      },
    });
    expect(await e.db.cashFlows.count()).toBe(before);
  });

  it('the executive view agrees with the fills and the breaker', async () => {
    const { e, portfolio } = await setup();
    await marketOrder(e, 'BTC/USDT', 'buy', '2');
    await marketOrder(e, 'BTC/USDT', 'sell', '1');
    const x = await portfolio.executive({ quote: 'USDT' });
    const view = await portfolio.portfolio({ quote: 'USDT' });
    expect(x.equity).toBeCloseTo(view.total, 9);
    const closed = await e.db.closedTrades.toArray();
    expect(x.trades).toBe(closed.length);
    expect(x.grossExposure).toBeCloseTo(view.holdings.find((h) => h.asset === 'BTC')!.value!, 9);
    expect(x.halted).toBe(false);
    await e.trading.killSwitch({ flatten: false });
    const halted = await portfolio.executive({ quote: 'USDT' });
    expect(halted.halted).toBe(true);
    expect(halted.haltReason).toBeTruthy();
  });

  it('the risk view says what it lacks when there is no candle history', async () => {
    const { e, portfolio } = await setup();
    await marketOrder(e, 'BTC/USDT', 'buy', '2');
    const r = await portfolio.risk({});
    expect(r.options).toMatchObject({ interval: '1d', periodsPerYear: 252, quantileType: 7 });
    await expect(portfolio.risk({ riskFree: 4 })).rejects.toMatchObject({
      error: { code: 'invalid-input', retryable: false, details: { field: 'riskFree' } },
    });
    expect(r.exposure.byAsset.map((a) => a.key)).toEqual(['BTC']);
    expect(r.var).toMatchObject({ insufficient: true });
    expect(r.notes.join(' ')).toMatch(/BTC: no price history/);
    expect(r.rules.map((x) => x.id)).toEqual(['asset', 'exchange', 'cluster']);
    expect(r.conventions.length).toBeGreaterThan(3);
  });

  it('plans a rebalance on the active account with previews, and sends it through the risk gate', async () => {
    const { e, portfolio } = await setup();
    const plan = await portfolio.planRebalance({
      quote: 'USDT',
      tolerance: '1',
      targets: [
        { asset: 'BTC', weight: '10' },
        { asset: 'USDT', weight: '90' },
      ],
    });
    expect(plan.error).toBeNull();
    expect(plan.accountId).toBe('paper:binance');
    expect(plan.legs.map((l) => [l.order.symbol, l.order.side])).toEqual([['BTC/USDT', 'buy']]);
    expect(plan.previews).toHaveLength(1);
    expect(plan.previews[0]!.ok).toBe(true);
    const refused = await portfolio.planRebalance({
      quote: 'USDT',
      tolerance: '1',
      targets: [
        { asset: 'BTC', weight: '10' },
        { asset: 'USDT', weight: '80' },
      ],
    });
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/10/);

    const result = await portfolio.executeRebalance(plan, 'proceed');
    expect(result.legs.map((l) => l.status)).toEqual(['sent']);
    await sleep(2);
    await e.tick();
    await e.settle();
    const order = await e.db.orders.get(plan.legs[0]!.id);
    expect(order?.status).toBe('filled');
    const view = await portfolio.portfolio({ quote: 'USDT' });
    const btc = view.holdings.find((h) => h.asset === 'BTC')!;
    expect(btc.weight!).toBeGreaterThan(0.09);
    expect(btc.weight!).toBeLessThan(0.11);
  });

  it('suggests equal weights offline, and says why it cannot weigh by risk without history', async () => {
    const { portfolio } = await setup();
    expect(await portfolio.suggestTargets('equal', ['BTC', 'ETH'], {})).toEqual([
      { asset: 'BTC', weight: '50.00' },
      { asset: 'ETH', weight: '50.00' },
    ]);
    await expect(portfolio.suggestTargets('min-variance', ['BTC', 'ETH', 'USDT'], {})).rejects.toMatchObject({
      error: { code: 'invalid-input' },
    });
  });

  it('the risk view uses the stored daily candles of the holdings, closed ones only', async () => {
    const { e, portfolio } = await setup();
    await marketOrder(e, 'BTC/USDT', 'buy', '20');
    await marketOrder(e, 'ETH/USDT', 'buy', '100');
    const DAY = 86_400_000;
    const today = Math.floor(Date.now() / DAY) * DAY;
    const store = new MarketStore(e.db);
    const days = 41;
    const columns = (f: (i: number) => number) => {
      const c = emptyColumns(days);
      for (let i = 0; i < days; i++) {
        // The last candle opens today: still forming, so it must not count.
        c.time[i] = today - (days - 1 - i) * DAY;
        const v = i === days - 1 ? 1e9 : f(i);
        c.open[i] = c.high[i] = c.low[i] = c.close[i] = v;
      }
      return c;
    };
    await store.saveCandles(
      'binance',
      'BTC/USDT',
      '1d',
      columns((i) => 100 * (1 + 0.03 * Math.sin(i))),
    );
    await store.saveCandles(
      'binance',
      'ETH/USDT',
      '1d',
      columns((i) => 20 * (1 + 0.05 * Math.cos(i / 2))),
    );
    const r = await portfolio.risk({ window: 30, quantileType: 1 });
    if ('insufficient' in r.var) throw new Error(r.var.message);
    expect(r.var.n).toBe(30);
    expect(r.var.var95).toBeGreaterThan(0);
    expect(r.var.var95).toBeLessThan(0.1);
    expect(r.var.cvar99).toBeGreaterThanOrEqual(r.var.var99);
    if ('insufficient' in r.correlation) throw new Error(r.correlation.message);
    expect(r.correlation.assets).toEqual(['BTC', 'ETH']);
    expect(r.correlation.pearson[0]).toBe(1);
    expect(r.correlation.asOf).toBe(today - DAY);
    expect(r.conventions.join(' ')).toMatch(/type 1/);
  });

  it('plans a rebalance from free balances only, listing what open orders hold', async () => {
    const { e, portfolio } = await setup();
    await e.db.accounts.update('paper:binance', (a) => {
      a.balances = { USDT: '200', BTC: '0.01' };
      a.reserved = { USDT: '800' };
    });
    const plan = await portfolio.planRebalance({
      quote: 'USDT',
      tolerance: '1',
      targets: [{ asset: 'ETH', weight: '100' }],
    });
    expect(plan.error).toBeNull();
    expect(plan.total).toBeLessThan(202);
    expect(plan.skipped).toContainEqual({
      asset: 'USDT',
      reason: '800 USDT is held by open orders; cancel them to include it.',
    });
    const buy = plan.legs.find((l) => l.order.side === 'buy')!;
    expect(buy.notional).toBeLessThan(202);
  });

  it('a risk view over an equity history that went to zero is data, not an exception', async () => {
    const { e, portfolio } = await setup();
    const DAY = 86_400_000;
    const start = Math.floor(Date.now() / DAY) * DAY - 30 * DAY;
    // Wiped out on day 5, money deposited again on day 6, then a month of small moves.
    const values = Array.from({ length: 30 }, (_, i) => (i === 5 ? 0 : 10_000 * (1 + 0.01 * Math.sin(i))));
    await portfolio.equity.append(
      values.map((equity, i) => ({ accountId: 'paper:binance', time: start + i * DAY, equity })),
    );
    await e.db.cashFlows.put({
      id: 'cf-redeposit',
      accountId: 'paper:binance',
      time: start + 6 * DAY,
      asset: 'USDT',
      amount: String(values[6]),
      value: values[6]!,
      note: '',
      origin: 'auto',
    });
    const r = await portfolio.risk({ window: 60 });
    if ('insufficient' in r.equityStats) throw new Error(r.equityStats.message);
    expect(Number.isFinite(r.equityStats.vol)).toBe(true);
    if ('insufficient' in r.drawdown) throw new Error(r.drawdown.message);
    expect(r.drawdown.max).toBe(1);
  });

  it('values a backdated flow at the stored close of its time, and refuses one it cannot price', async () => {
    const { e, portfolio } = await setup();
    const paper = (await e.db.accounts.get('paper:binance'))!;
    await e.db.accounts.put({ ...paper, id: 'live:v1', live: { vaultId: 'v1', venue: 'live' } });
    const H = 3_600_000;
    const then = Math.floor(Date.now() / H) * H - 72 * H;
    const c = emptyColumns(3);
    for (let i = 0; i < 3; i++) {
      c.time[i] = then - (3 - i) * H;
      c.open[i] = c.high[i] = c.low[i] = c.close[i] = 80 + i;
    }
    await new MarketStore(e.db).saveCandles('binance', 'BTC/USDT', '1h', c);
    // Today's mark is about 100; the hourly candle that closed at `then` closed at 82.
    const flow = await portfolio.recordFlow({ accountId: 'live:v1', asset: 'BTC', amount: '2', time: then });
    expect(flow.value).toBe(164);
    await expect(
      portfolio.recordFlow({ accountId: 'live:v1', asset: 'ETH', amount: '1', time: then }),
    ).rejects.toMatchObject({
      error: {
        code: 'invalid-input',
        message: expect.stringMatching(/record it in USDT/),
        details: { field: 'asset' },
      },
    });
  });

  it('checks rebalance targets before loading anything for them', async () => {
    const { e, portfolio } = await setup();
    const reads = vi.spyOn(e.db.accounts, 'toArray');
    const plan = await portfolio.planRebalance({
      quote: 'USDT',
      tolerance: '1',
      targets: Array.from({ length: 600 }, (_, i) => ({ asset: `A${i}`, weight: '1' })),
    });
    expect(plan.error).toMatch(/At most 500 targets/);
    expect(reads).not.toHaveBeenCalled();
    await expect(
      portfolio.suggestTargets(
        'inverse-vol',
        Array.from({ length: 101 }, (_, i) => `A${i}`),
        {},
      ),
    ).rejects.toMatchObject({ error: { details: { field: 'assets' } } });
    expect(reads).not.toHaveBeenCalled();
  });

  it('counts the fee totals once when start() and the first portfolio() ask at the same time', async () => {
    const { e, portfolio } = await setup();
    await marketOrder(e, 'BTC/USDT', 'buy', '1');
    await e.db.portfolioCache.clear();
    const passes = vi.spyOn(e.db.portfolioCache, 'get');
    portfolio.start();
    try {
      await portfolio.portfolio({ quote: 'USDT' });
    } finally {
      portfolio.stop();
    }
    // Other caches (the equity thinning mark) are read too: only the fee totals' is counted here.
    expect(passes.mock.calls.filter(([key]) => (key as unknown) === feeCacheKey)).toHaveLength(1);
  });
});
