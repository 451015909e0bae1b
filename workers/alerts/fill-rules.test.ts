import { describe, expect, it } from 'vitest';
import { AlertEvaluator } from './evaluator.js';
import { fillRecord, fillSpec } from './test-support.js';

describe('order-filled alerts', () => {
  it('fires for each fill with the trade in words, once per fill id', () => {
    const ev = new AlertEvaluator([fillSpec()]);
    const [f] = ev.fill(fillRecord());
    expect(f).toMatchObject({ kind: 'order-filled', symbol: 'BTC/USDT', value: 65_000.5, late: false });
    expect(f?.message).toBe(
      'Filled: bought 0.5 BTC/USDT at 65,000.5 (32,500.25), order o-1 on account paper.',
    );
    expect(ev.fill(fillRecord())).toEqual([]);
    expect(ev.fill(fillRecord({ id: 'f-2', side: 'sell' }))[0]?.message).toMatch(/^Filled: sold 0.5/);
  });

  it('filters by account and symbol', () => {
    const ev = new AlertEvaluator([
      fillSpec({ id: 'acc', accountId: 'live-1' }),
      fillSpec({ id: 'sym', symbol: 'ETH/USDT' }),
    ]);
    expect(ev.fill(fillRecord({ id: 'a' }))).toEqual([]);
    expect(ev.fill(fillRecord({ id: 'b', accountId: 'live-1' })).map((f) => f.alertId)).toEqual(['acc']);
    expect(ev.fill(fillRecord({ id: 'c', symbol: 'ETH/USDT' })).map((f) => f.alertId)).toEqual(['sym']);
  });

  it('remembers fills across a restore', () => {
    const ev = new AlertEvaluator([fillSpec()]);
    ev.fill(fillRecord());
    const again = new AlertEvaluator([fillSpec()], { state: JSON.parse(JSON.stringify(ev.toJSON())) });
    expect(again.fill(fillRecord())).toEqual([]);
  });
});
