import { describe, expect, it } from 'vitest';
import type { FeedStatus } from '../market/events.js';
import type { MarketProbe } from '../market/market-probe.js';
import type { TradingProbe } from '../trading/trading-service.js';
import type { MonitorSnapshot } from './api.js';
import { EngineMonitor } from './engine-monitor.js';

function fakes() {
  const timers = new Map<number, () => void>();
  let nextTimer = 1;
  const parts = {
    probe: null as MarketProbe | null,
    tradingProbe: null as TradingProbe | null,
    status: {
      exchange: 'binance',
      connection: 'live',
      since: 0,
      lastMessageAt: null,
      retryAt: null,
      error: null,
    } as FeedStatus,
    queue: 3,
  };
  const monitor = new EngineMonitor({
    market: {
      observe: (p) => void (parts.probe = p),
      currentStatus: () => parts.status,
      pendingDepth: () => ({ depth: 1, peak: 7 }),
    },
    trading: {
      observe: (p) => void (parts.tradingProbe = p),
      queueDepth: () => ({ depth: parts.queue, peak: 5 }),
    },
    now: () => 50_000,
    setInterval: (fn) => {
      timers.set(nextTimer, fn);
      return nextTimer++;
    },
    clearInterval: (h) => void timers.delete(h as number),
    lagClock: { now: () => 0, setTimeout: () => 1, clearTimeout: () => undefined },
  });
  return { monitor, parts, timers };
}

describe('EngineMonitor', () => {
  it('attaches its counters to the market and the trading engine at once', () => {
    const { monitor, parts } = fakes();
    parts.probe!.message('binance', 'book', 3);
    parts.probe!.gap('binance');
    parts.tradingProbe!.orderAcknowledged('paper', 12);
    parts.tradingProbe!.orderAcknowledged('live', 80);
    const s = monitor.snapshot();
    expect(s.feeds[0]).toMatchObject({ exchange: 'binance', stream: 'book', total: 3, gaps: 1 });
    expect(s.orderRoundTrip).toMatchObject({ count: 2, min: 12, max: 80 });
    expect(s.tradingQueue).toEqual({ depth: 3, peak: 5 });
    expect(s.marketPending).toEqual({ depth: 1, peak: 7 });
    expect(s.feed?.connection).toBe('live');
  });

  it('reports no feed before the market engine started', () => {
    const { monitor, parts } = fakes();
    parts.status = { ...parts.status, exchange: '' };
    expect(monitor.snapshot().feed).toBeNull();
  });

  it('runs a timer only while someone listens, and drops a listener that fails', async () => {
    const { monitor, timers } = fakes();
    expect(timers.size).toBe(0);
    const seen: MonitorSnapshot[] = [];
    const id = monitor.subscribe((s) => void seen.push(s));
    expect(seen).toHaveLength(1);
    expect(timers.size).toBe(1);
    [...timers.values()][0]!();
    expect(seen).toHaveLength(2);
    const broken = monitor.subscribe(() => Promise.reject(new Error('page closed')) as never);
    await new Promise((r) => setTimeout(r, 0));
    expect(monitor.listening).toBe(1);
    expect(broken).not.toBe(id);
    monitor.unsubscribe(id);
    expect(timers.size).toBe(0);
    expect(monitor.listening).toBe(0);
  });
});
