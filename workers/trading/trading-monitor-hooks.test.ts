import { describe, expect, it } from 'vitest';
import { engine, sleep } from './test-support.js';

describe('trading hooks for the monitor', () => {
  it('reports a paper order round trip from its creation to the matcher taking it', async () => {
    const e = await engine();
    const seen: Array<{ venue: string; ms: number }> = [];
    e.trading.observe({ orderAcknowledged: (venue, ms) => seen.push({ venue, ms }) });
    await e.trading.configurePaper({ balances: { USDT: '10000' }, latencyMs: 30 });
    e.market.setBook('BTC/USDT', [100, 5], [101, 5]);
    await e.settle();
    await e.trading.place({
      kind: 'order',
      order: { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.1' },
    } as never);
    for (let i = 0; i < 20 && seen.length === 0; i++) {
      await sleep(10);
      await e.tick();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]!.venue).toBe('paper');
    expect(seen[0]!.ms).toBeGreaterThanOrEqual(30);
    await e.tick();
    expect(seen).toHaveLength(1);
  });

  it('counts the calls waiting in the one ordered queue, and the peak since the last read', async () => {
    const e = await engine();
    await e.settle();
    e.trading.queueDepth();
    const calls = [1, 2, 3, 4, 5].map(() => e.trading.preview({ kind: 'order' } as never).catch(() => null));
    const during = e.trading.queueDepth();
    expect(during.depth).toBeGreaterThanOrEqual(5);
    await Promise.all(calls);
    await e.settle();
    const after = e.trading.queueDepth();
    expect(after.depth).toBe(0);
    expect(after.peak).toBeGreaterThanOrEqual(0);
    expect(e.trading.queueDepth().peak).toBe(0);
  });
});
