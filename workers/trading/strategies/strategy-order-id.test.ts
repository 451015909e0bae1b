import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStrategyOrderId, strategyOrderId } from './strategy-order-id.js';

/** What TradingApi.place accepts as a client order id. */
const placeable = /^[A-Za-z0-9_-]{6,40}$/;

describe('client order ids of strategy orders', () => {
  it('are accepted by the trading engine, carry their bar and number back, and never collide', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.integer({ min: 0, max: 999 }),
        (runId, barTime, seq) => {
          const id = strategyOrderId(runId, barTime, seq);
          expect(id).toMatch(placeable);
          expect(id).toBe(strategyOrderId(runId, barTime, seq));
          expect(parseStrategyOrderId(id)).toEqual({ barTime, seq });
          expect(strategyOrderId(runId, barTime + 60_000, seq)).not.toBe(id);
          expect(strategyOrderId(runId, barTime, seq + 1)).not.toBe(id);
        },
      ),
    );
  });

  it('uses the first 8 letters or digits of the run id', () => {
    expect(strategyOrderId('1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed', 60_000, 2)).toBe(
      `st-1b9d6bcd-${(60_000).toString(36)}-2`,
    );
  });

  it('refuses a run id too short to tell runs apart, and ids that are not a run’s', () => {
    expect(() => strategyOrderId('ab-12', 0, 0)).toThrow(/at least 8 letters or digits/);
    for (const id of ['ly12345', 'st-abc-1-0', 'st-abcdefgh-1ae8', 'st-abcdefgh-1ae8-x'])
      expect(parseStrategyOrderId(id)).toBeNull();
  });
});
