import { describe, expect, it } from 'vitest';
import { AlertEvaluator } from './evaluator.js';
import { HOUR, LIVE, MIN, SEC, T0, feed, percentMoveSpec, priceCrossSpec } from './test-support.js';
import { AlertSpecError } from './validate-alert.js';

describe('late firings', () => {
  it('marks data that is not live and says so', () => {
    const ev = new AlertEvaluator([priceCrossSpec()]);
    ev.price('BTC/USDT', T0, 69_000, LIVE);
    const [f] = ev.price('BTC/USDT', T0 + SEC, 70_100, { live: false });
    expect(f?.late).toBe(true);
    expect(f?.message).toBe(
      'BTC/USDT crossed above 70,000: last 70,100. Late: evaluated from data that was not live (it arrived after the engine was offline).',
    );
  });

  it('marks data older than the staleness bound at `now`', () => {
    const ev = new AlertEvaluator([priceCrossSpec()], { staleAfterMs: 10 * SEC });
    ev.price('BTC/USDT', T0, 69_000, LIVE);
    const [f] = ev.price('BTC/USDT', T0 + SEC, 70_100, { live: true, now: T0 + SEC + 3 * MIN });
    expect(f?.late).toBe(true);
    expect(f?.message).toContain('Late: the data was 3 min old when it was evaluated.');
    const ok = new AlertEvaluator([priceCrossSpec()], { staleAfterMs: 10 * SEC });
    ok.price('BTC/USDT', T0, 69_000, LIVE);
    expect(ok.price('BTC/USDT', T0 + SEC, 70_100, { live: true, now: T0 + 5 * SEC })[0]?.late).toBe(false);
  });

  it('marks a crossing found after a gap in the data (offline, then data again)', () => {
    const ev = new AlertEvaluator([priceCrossSpec()], { gapMs: MIN });
    ev.price('BTC/USDT', T0, 69_000, LIVE);
    const [f] = ev.price('BTC/USDT', T0 + 90 * MIN, 70_500, LIVE);
    expect(f).toMatchObject({ late: true, value: 70_500 });
    expect(f?.message).toContain('Late: the data before it is 1 h 30 min older');
  });
});

describe('snooze', () => {
  it('keeps observing while snoozed, so waking up fires nothing for a crossing that came and went', () => {
    const ev = new AlertEvaluator([priceCrossSpec({ snoozedUntil: T0 + 10 * SEC })]);
    // Crosses and reverts during the snooze; then crosses again after it.
    const during = feed(ev, 'BTC/USDT', [69_000, 70_500, 69_000]);
    expect(during).toEqual([]);
    expect(ev.stateOf('price')?.channels['']).toMatchObject({ armedUp: true, value: 69_000 });
    expect(ev.price('BTC/USDT', T0 + 11 * SEC, 69_500, LIVE)).toEqual([]);
    expect(ev.price('BTC/USDT', T0 + 12 * SEC, 70_001, LIVE)).toHaveLength(1);
  });

  it('swallows a crossing that happened during the snooze and is still standing at wake-up', () => {
    const ev = new AlertEvaluator([priceCrossSpec()]);
    ev.price('BTC/USDT', T0, 69_000, LIVE);
    expect(ev.snooze('price', T0 + HOUR)).toBe(true);
    expect(ev.price('BTC/USDT', T0 + SEC, 70_500, LIVE)).toEqual([]);
    expect(ev.stateOf('price')?.firedCount).toBe(0);
    expect(ev.price('BTC/USDT', T0 + HOUR + SEC, 70_600, { live: true })).toEqual([]);
    expect(ev.snooze('nope', null)).toBe(false);
  });
});

describe('alert management and state', () => {
  it('keeps the state through a rename or a sound change, and starts over when the level changes', () => {
    const ev = new AlertEvaluator([priceCrossSpec()]);
    feed(ev, 'BTC/USDT', [69_000, 70_100]);
    ev.upsert(priceCrossSpec({ name: 'BTC 70k', sound: false }));
    expect(ev.stateOf('price')?.firedCount).toBe(1);
    expect(ev.price('BTC/USDT', T0 + 5 * SEC, 70_200, LIVE)).toEqual([]);
    ev.upsert(priceCrossSpec({ level: '71000' }));
    expect(ev.stateOf('price')).toMatchObject({ firedCount: 0, channels: {} });
    // First observation of the new level only sets the side.
    expect(ev.price('BTC/USDT', T0 + 6 * SEC, 71_500, LIVE)).toEqual([]);
  });

  it('carries on after a JSON round trip of its state without firing a crossing twice', () => {
    const specs = [priceCrossSpec(), percentMoveSpec()];
    const a = new AlertEvaluator(specs);
    feed(a, 'BTC/USDT', [69_000, 70_100]);
    feed(a, 'ETH/USDT', [100, 101]);
    const b = new AlertEvaluator(specs, { state: JSON.parse(JSON.stringify(a.toJSON())) });
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(b.price('BTC/USDT', T0 + 5 * SEC, 70_300, LIVE)).toEqual([]);
    expect(b.price('ETH/USDT', T0 + 5 * SEC, 105.5, LIVE)).toHaveLength(1);
  });

  it('drops state of alerts that no longer exist and survives unreadable state', () => {
    const a = new AlertEvaluator([priceCrossSpec(), priceCrossSpec({ id: 'other' })]);
    feed(a, 'BTC/USDT', [69_000]);
    const b = new AlertEvaluator([priceCrossSpec()], { state: a.toJSON() });
    expect(Object.keys(b.toJSON().alerts)).toEqual(['price']);
    const junk = new AlertEvaluator([priceCrossSpec()], {
      state: { v: 1, alerts: { price: { condition: 3 } }, windows: { x: 'y' }, seenFills: [1, 'f'] },
    });
    expect(junk.toJSON()).toMatchObject({ windows: {}, seenFills: ['f'] });
    expect(junk.price('BTC/USDT', T0, 71_000, LIVE)).toEqual([]);
  });

  it('refuses a spec that is not valid, listing the problems', () => {
    const ev = new AlertEvaluator();
    expect(() => ev.upsert(priceCrossSpec({ level: 'lots' }))).toThrow(AlertSpecError);
    try {
      ev.upsert(priceCrossSpec({ level: '-1', direction: 'up' as never }));
    } catch (e) {
      expect((e as AlertSpecError).problems.map((p) => p.path).sort()).toEqual(['direction', 'level']);
    }
    expect(ev.alerts()).toEqual([]);
  });
});
