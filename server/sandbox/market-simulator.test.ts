import { describe, expect, it } from 'vitest';
import { DAY, HOUR, INTERVALS, MINUTE } from './intervals.js';
import { MarketSimulator } from './market-simulator.js';
import { BUY, SELL } from './matching-engine.js';
import { MARKETS, type Market } from './markets.js';
import { Rng } from './prng.js';

const ORIGIN = Date.UTC(2024, 2, 4);
const byId = (id: string): Market => {
  const m = MARKETS.find((x) => x.id === id);
  if (m === undefined) throw new Error(id);
  return m;
};

function fingerprint(sim: MarketSimulator) {
  const top = (side: 0 | 1) =>
    sim.engine
      .side(side)
      .top(50)
      .map((l) => [l.price, l.total, l.count]);
  const trades: number[][] = [];
  for (let id = sim.trades.oldestId; id < sim.trades.endId; id++) {
    const r = sim.trades.row(id);
    trades.push([r.id, r.price, r.qty, r.time, Number(r.isBuyerMaker)]);
  }
  return {
    events: sim.flow.events,
    updateId: sim.engine.updateId,
    bids: top(BUY),
    asks: top(SELL),
    trades,
    klines: sim.klines.query(INTERVALS.get('1m') ?? (undefined as never), { limit: 1000 }),
  };
}

describe('MarketSimulator', () => {
  it('does not depend on how advanceTo calls are chunked', () => {
    const end = ORIGIN + 6 * HOUR;
    const once = new MarketSimulator(byId('ETHUSDT'), { seed: 11, origin: ORIGIN });
    once.advanceTo(end);
    const stepped = new MarketSimulator(byId('ETHUSDT'), { seed: 11, origin: ORIGIN });
    const rng = new Rng(5);
    for (let t = ORIGIN; t < end; t += 1 + rng.int(20_000)) stepped.advanceTo(t);
    stepped.advanceTo(end);
    expect(fingerprint(stepped)).toEqual(fingerprint(once));
  });

  it('keeps a deep, uncrossed book and a lively tape for a whole day on every market', () => {
    for (const market of MARKETS) {
      const sim = new MarketSimulator(market, { seed: 3, origin: ORIGIN });
      let minLevels = Infinity;
      for (let t = ORIGIN + MINUTE; t <= ORIGIN + DAY; t += MINUTE) {
        sim.advanceTo(t);
        const bid = sim.engine.bestBid();
        const ask = sim.engine.bestAsk();
        expect(bid !== undefined && ask !== undefined && bid.price < ask.price).toBe(true);
        minLevels = Math.min(minLevels, sim.engine.side(BUY).size, sim.engine.side(SELL).size);
      }
      const seconds = DAY / 1000;
      const tradesPerSecond = sim.trades.count / seconds;
      const eventsPerSecond = sim.flow.events / seconds;
      const last = sim.klines.lastPrice * market.tick;
      // The traded price tracks the latent reference closely.
      expect(Math.abs(last / sim.flow.referencePrice - 1), market.id).toBeLessThan(0.01);
      // The UI ladder shows 20+ levels a side; keep a wide margin at every minute of the day.
      expect(minLevels, market.id).toBeGreaterThanOrEqual(30);
      expect(tradesPerSecond, market.id).toBeGreaterThan(0.25);
      expect(tradesPerSecond, market.id).toBeLessThan(1.5);
      expect(eventsPerSecond, market.id).toBeGreaterThan(1);
      expect(eventsPerSecond, market.id).toBeLessThan(4);
      expect(last / market.startPrice, market.id).toBeGreaterThan(0.7);
      expect(last / market.startPrice, market.id).toBeLessThan(1.4);
    }
  });

  it('offers hundreds of levels in a 1000-level snapshot', () => {
    const sim = new MarketSimulator(byId('BTCUSDT'), { seed: 3, origin: ORIGIN });
    sim.advanceTo(ORIGIN + 12 * HOUR);
    const levels = sim.engine.side(BUY).top(1000).length + sim.engine.side(SELL).top(1000).length;
    expect(levels).toBeGreaterThan(300);
  });

  it('moves like the configured daily volatility at the hourly scale', () => {
    const market = byId('SOLUSDT');
    const sim = new MarketSimulator(market, { seed: 21, origin: ORIGIN });
    sim.advanceTo(ORIGIN + 3 * DAY);
    const hours = sim.klines.query(INTERVALS.get('1h') ?? (undefined as never), { limit: 1000 });
    let sumSq = 0;
    for (let i = 1; i < hours.length; i++) {
      const r = Math.log((hours[i]?.close ?? 1) / (hours[i - 1]?.close ?? 1));
      sumSq += r * r;
    }
    const daily = Math.sqrt((sumSq / (hours.length - 1)) * 24);
    expect(daily).toBeGreaterThan(market.dailyVolatility * 0.5);
    expect(daily).toBeLessThan(market.dailyVolatility * 1.6);
  });

  it('computes a rolling 24h ticker consistent with its candles and tape', () => {
    const sim = new MarketSimulator(byId('DOGEUSDT'), { seed: 8, origin: ORIGIN });
    const now = ORIGIN + DAY + 7 * HOUR + 12_345;
    sim.advanceTo(now);
    const t = sim.ticker(now);
    const minutes = sim.klines.query(INTERVALS.get('1m') ?? (undefined as never), {
      startTime: Math.floor((now - DAY) / MINUTE) * MINUTE,
      limit: 1000,
    });
    const rest = sim.klines.query(INTERVALS.get('1m') ?? (undefined as never), {
      startTime: (minutes.at(-1)?.openTime ?? 0) + 1,
      limit: 1000,
    });
    const all = [...minutes, ...rest];
    expect(all.length).toBe(1441);
    expect(t.volume).toBe(all.reduce((n, c) => n + c.volume, 0));
    expect(t.count).toBe(all.reduce((n, c) => n + c.trades, 0));
    expect(t.count).toBe(t.lastId - t.firstId + 1);
    expect(t.high).toBe(Math.max(...all.map((c) => c.high)));
    expect(t.low).toBe(Math.min(...all.map((c) => c.low)));
    expect(t.open).toBe(all[0]?.open);
    expect(t.last).toBe(sim.trades.row(sim.trades.endId - 1).price);
    expect(t.lastId).toBe(sim.trades.endId - 1);
    expect(t.bidPrice).toBe(sim.engine.bestBid()?.price);
    expect(t.askPrice).toBe(sim.engine.bestAsk()?.price);
    expect(t.openTime).toBe(now - DAY);
    expect(t.closeTime).toBe(now);
  });

  it('aggregates fills of one taker at one price into one aggregate trade', () => {
    const sim = new MarketSimulator(byId('BTCUSDT'), { seed: 4, origin: ORIGIN });
    sim.advanceTo(ORIGIN + HOUR);
    const aggs = sim.aggTrades;
    let covered = 0;
    let previousLast = -1;
    for (let id = aggs.oldestId; id < aggs.endId; id++) {
      const a = aggs.aggRow(id);
      expect(a.firstTradeId).toBeLessThanOrEqual(a.lastTradeId);
      if (previousLast >= 0) expect(a.firstTradeId).toBe(previousLast + 1);
      previousLast = a.lastTradeId;
      let qty = 0;
      for (let t = a.firstTradeId; t <= a.lastTradeId; t++) {
        const trade = sim.trades.row(t);
        expect(trade.price).toBe(a.price);
        qty += trade.qty;
      }
      expect(qty).toBe(a.qty);
      covered += a.lastTradeId - a.firstTradeId + 1;
    }
    expect(covered).toBe(sim.trades.count);
    expect(aggs.count).toBeLessThan(sim.trades.count);
  });
});
