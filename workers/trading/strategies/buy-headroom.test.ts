import { describe, expect, it } from 'vitest';
import { BTC } from '../test-support.js';
import { minute, pollDelayMs, runHarness, settleMs } from './run-harness.js';
import { candlesFromCloses } from './test-support.js';

const t0 = Date.UTC(2026, 4, 4);
const history = 20;
const smaCross = { kind: 'builtin', id: 'sma-cross', params: { fast: 2, slow: 3 } } as const;

/** Rising for 25 bars (the history included), falling for 15, rising for 20: two entries all in. */
function path(): number[] {
  const closes: number[] = [];
  for (let i = 0; i < 25; i++) closes.push(100 + i);
  for (let i = 0; i < 15; i++) closes.push(110 - 2 * i);
  for (let i = 0; i < 20; i++) closes.push(85 + 3 * i);
  return closes;
}

describe('an all-in buy when the price has risen since the close', () => {
  it('is sized at the price the market asks now, fills, and says it was made smaller', async () => {
    const candles = candlesFromCloses(t0, '1m', path());
    const h = await runHarness({ candles, history, t0 });
    const id = await h.start(smaCross);
    // Every bar: the book moves to the close, except that the ask is 0.5 % above it when the run
    // decides and sends (a market that went up after the bar closed).
    for (let j = history; j < candles.length; j++) {
      const close = candles[j]!.close;
      h.market.setBook('BTC/USDT', [close, 1e6], [close * 1.005, 1e6]);
      await h.e.settle();
      h.timers.advanceTo(t0 + (j + 1) * minute + pollDelayMs);
      await h.service.idle();
      for (let guard = 0; (await h.stored(id)).outbox && guard < 10; guard++) {
        await h.e.tick();
        h.timers.advanceTo(h.timers.time + settleMs);
        await h.service.idle();
      }
    }
    const run = await h.stored(id);
    const buys = (await h.strategyOrders()).filter((o) => o.side === 'buy');
    const signals = run.signals.filter((s) => s.action === 'buy');
    expect(signals.length).toBeGreaterThanOrEqual(2);
    // Every entry the strategy decided was bought, none refused for want of cash.
    expect(buys.map((o) => o.status)).toEqual(signals.map(() => 'filled'));
    const notes = (run.notes ?? []).map((n) => n.message);
    expect(notes.filter((m) => /refused|not sent/.test(m))).toEqual([]);
    // One note per entry, saying what the headroom rule did.
    const headroom = notes.filter((m) => /sized at the ask/.test(m));
    expect(headroom).toHaveLength(signals.length);
    for (const [k, signal] of signals.entries())
      expect(headroom[k]).toMatch(
        new RegExp(`^Order 1 of bar ${new Date(signal.time).toISOString()}: sized at the ask`),
      );
    // Replaying the run's cash: each buy is what the ask allowed (all the cash, less at most one lot)
    // and its cost with the fee fits in the cash the run had.
    let cash = 10000;
    for (const o of await h.strategyOrders()) {
      const cost = Number(o.cost);
      expect(o.feeAsset).toBe('USDT');
      if (o.side === 'sell') {
        cash += cost - Number(o.fee);
        continue;
      }
      const ask = cost / Number(o.filled);
      const allowed = cash / (ask * (1 + BTC.taker!));
      expect(Number(o.filled)).toBeLessThanOrEqual(allowed);
      expect(Number(o.filled)).toBeGreaterThan(allowed - BTC.stepSize - 1e-9);
      expect(cost + Number(o.fee)).toBeLessThanOrEqual(cash);
      cash -= cost + Number(o.fee);
    }
    h.service.close();
  });
});
