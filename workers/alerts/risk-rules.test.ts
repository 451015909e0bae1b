import { describe, expect, it } from 'vitest';
import { AlertEvaluator } from './evaluator.js';
import { HOUR, LIVE, SEC, T0, priceCrossSpec, riskSpec } from './test-support.js';
import type { AlertFiring, RiskAlertEvent } from './types.js';

describe('risk alerts', () => {
  const trip = (time: number): RiskAlertEvent => ({
    kind: 'breaker-tripped',
    time,
    accountId: 'paper',
    rule: 'drawdown',
    message:
      'Trading halted: equity 9,000 is 10 % below its peak of 10,000, reaching the max drawdown of 10 %.',
  });

  it('breaker trips fire once per event', () => {
    const ev = new AlertEvaluator([riskSpec()]);
    const [f] = ev.risk(trip(T0));
    expect(f?.message).toBe(
      'Circuit breaker "drawdown" tripped on account paper: Trading halted: equity 9,000 is 10 % below its peak of 10,000, reaching the max drawdown of 10 %.',
    );
    expect(f?.value).toBeNull();
    expect(ev.risk(trip(T0))).toEqual([]);
    expect(ev.risk(trip(T0 + HOUR))).toHaveLength(1);
  });

  it('drawdown fires beyond the threshold and re-arms under it minus the band, per account', () => {
    const ev = new AlertEvaluator([riskSpec({ event: 'drawdown', threshold: 0.1 })]);
    const dd = (t: number, drawdown: number, accountId = 'paper'): AlertFiring[] =>
      ev.risk({ kind: 'drawdown', time: T0 + t * SEC, accountId, drawdown, equity: '8800', peak: '10000' });
    expect(dd(0, 0.05)).toEqual([]);
    const [f] = dd(1, 0.12);
    expect(f?.message).toBe(
      'Account paper is 12 % below its equity peak (alert at 10 %): equity 8,800 against a peak of 10,000.',
    );
    // Band: 10 % of 0.1, so it re-arms below 0.09.
    expect([...dd(2, 0.095), ...dd(3, 0.13), ...dd(4, 0.08)]).toEqual([]);
    expect(dd(5, 0.11)).toHaveLength(1);
    // Another account has its own crossing.
    expect([...dd(6, 0.02, 'live-1'), ...dd(7, 0.2, 'live-1')]).toHaveLength(1);
  });

  it('correlation shocks fire per pair whose change reaches the threshold, filtered by symbol', () => {
    const ev = new AlertEvaluator([
      riskSpec({ id: 'all', event: 'correlation-shock', threshold: 0.5 }),
      riskSpec({ id: 'sol', event: 'correlation-shock', threshold: 0.5, symbol: 'SOL/USDT' }),
    ]);
    const pair = (a: string, b: string, ewma: number, longRun: number) => ({
      a,
      b,
      ewma,
      longRun,
      change: ewma - longRun,
    });
    ev.risk({
      kind: 'correlation-shock',
      time: T0,
      pairs: [pair('BTC', 'ETH', 0.7, 0.8), pair('BTC', 'SOL', 0.6, 0.7)],
    });
    const f = ev.risk({
      kind: 'correlation-shock',
      time: T0 + HOUR,
      pairs: [pair('BTC', 'ETH', 0.1, 0.8), pair('BTC', 'SOL', 0.6, 0.7)],
    });
    expect(f.map((x) => x.alertId)).toEqual(['all']);
    expect(f[0]?.message).toBe(
      'Correlation shock BTC/ETH: recent correlation 0.1 against 0.8 long-run (change -0.7, alert at 0.5).',
    );
    const g = ev.risk({
      kind: 'correlation-shock',
      time: T0 + 2 * HOUR,
      pairs: [pair('SOL', 'BTC', -0.2, 0.7)],
    });
    expect(g.map((x) => x.alertId)).toEqual(['all', 'sol']);
  });

  it('feed-stale fires when the feed goes stale and again only after it was live', () => {
    const ev = new AlertEvaluator([riskSpec({ event: 'feed-stale' })]);
    const status = (t: number, stale: boolean) =>
      ev.risk({
        kind: 'feed-stale',
        time: T0 + t * SEC,
        exchange: 'binance',
        symbol: null,
        stale,
        ageMs: 45_000,
      });
    expect(status(0, false)).toEqual([]);
    const [f] = status(1, true);
    expect(f?.message).toBe('The binance feed is stale: the newest data is 45 s old.');
    expect(status(2, true)).toEqual([]);
    expect(status(3, false)).toEqual([]);
    expect(status(4, true)).toHaveLength(1);
  });
});

describe('risk alerts: the first event of a channel', () => {
  const stale = (ev: AlertEvaluator, t: number, isStale: boolean, symbol: string | null = null) =>
    ev.risk({
      kind: 'feed-stale',
      time: T0 + t * SEC,
      exchange: 'binance',
      symbol,
      stale: isStale,
      ageMs: 45_000,
    });

  it('a feed that is stale at the first event fires (risk channels start armed, as if all was well)', () => {
    const ev = new AlertEvaluator([riskSpec({ event: 'feed-stale' })]);
    const [f] = stale(ev, 0, true);
    expect(f?.message).toBe('The binance feed is stale: the newest data is 45 s old.');
    expect(stale(ev, 1, true)).toEqual([]);
    const sym = new AlertEvaluator([riskSpec({ event: 'feed-stale', symbol: 'BTC/USDT' })]);
    expect(stale(sym, 0, true, 'BTC/USDT').map((x) => x.message)).toEqual([
      'The binance feed for BTC/USDT is stale: the newest data is 45 s old.',
    ]);
  });

  it('a drawdown already past the threshold at the first event fires', () => {
    const ev = new AlertEvaluator([riskSpec({ event: 'drawdown', threshold: 0.1 })]);
    const dd = (t: number, drawdown: number) =>
      ev.risk({ kind: 'drawdown', time: T0 + t * SEC, accountId: 'paper', drawdown });
    expect(dd(0, 0.2)).toHaveLength(1);
    expect(dd(1, 0.25)).toEqual([]);
    expect(ev.stateOf('risk')?.firedCount).toBe(1);
  });

  it('a correlation pair already past the threshold at its first event fires', () => {
    const ev = new AlertEvaluator([riskSpec({ event: 'correlation-shock', threshold: 0.5 })]);
    const f = ev.risk({
      kind: 'correlation-shock',
      time: T0,
      pairs: [
        { a: 'BTC', b: 'ETH', ewma: 0.1, longRun: 0.8, change: -0.7 },
        { a: 'BTC', b: 'SOL', ewma: 0.6, longRun: 0.7, change: -0.1 },
      ],
    });
    expect(f.map((x) => x.message)).toEqual([
      'Correlation shock BTC/ETH: recent correlation 0.1 against 0.8 long-run (change -0.7, alert at 0.5).',
    ]);
  });

  it('does not fire for a risk event from before the alert was created', () => {
    const ev = new AlertEvaluator([riskSpec({ event: 'feed-stale', createdAt: T0 + HOUR })]);
    expect(stale(ev, 0, true)).toEqual([]);
    expect(stale(ev, 1, true)).toEqual([]);
  });

  it('a live event of one market re-arms the whole-exchange channel', () => {
    const all = new AlertEvaluator([riskSpec({ event: 'feed-stale' })]);
    expect(stale(all, 0, true)).toHaveLength(1);
    // The connection came back: the market worker reports markets, not the exchange.
    expect(stale(all, 1, false, 'BTC/USDT')).toEqual([]);
    expect(stale(all, 2, true).map((x) => x.message)).toEqual([
      'The binance feed is stale: the newest data is 45 s old.',
    ]);
    expect(all.stateOf('risk')?.channels['binance|*']).toMatchObject({ armedUp: false, value: 1 });

    // An alert on one market is re-armed by that market only; another market is not its business.
    const btc = new AlertEvaluator([riskSpec({ event: 'feed-stale', symbol: 'BTC/USDT' })]);
    expect(stale(btc, 0, true)).toHaveLength(1);
    expect([...stale(btc, 1, false, 'ETH/USDT'), ...stale(btc, 2, true)]).toEqual([]);
    expect(stale(btc, 3, false, 'BTC/USDT')).toEqual([]);
    expect(stale(btc, 4, true)).toHaveLength(1);
  });

  it('a stale market does not fire or disarm the whole-exchange channel', () => {
    const ev = new AlertEvaluator([riskSpec({ event: 'feed-stale' })]);
    expect(stale(ev, 0, true, 'BTC/USDT').map((x) => x.symbol)).toEqual(['BTC/USDT']);
    expect(stale(ev, 1, true).map((x) => x.symbol)).toEqual([null]);
  });

  it('price alerts still only set the side at the first observation', () => {
    const ev = new AlertEvaluator([priceCrossSpec({ direction: 'either' })]);
    expect(ev.price('BTC/USDT', T0, 71_000, LIVE)).toEqual([]);
    const below = new AlertEvaluator([priceCrossSpec({ direction: 'either' })]);
    expect(below.price('BTC/USDT', T0, 69_000, LIVE)).toEqual([]);
  });
});
