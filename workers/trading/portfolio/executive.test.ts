import { describe, expect, it } from 'vitest';
import type { BreakerState } from '../risk/breakers.js';
import type { ClosedTrade } from '../types.js';
import type { CashFlow, Series } from './api.js';
import { executiveView, utcMonthStart } from './executive.js';
import { valueHoldings } from './holdings.js';
import { tradeTotalsOf } from './trade-totals.js';
import type { PricePoint } from './marks.js';
import { equityHistory } from './performance.js';

const H = 3_600_000;
const now = Date.UTC(2026, 4, 20, 15);
const dayStart = Date.UTC(2026, 4, 20);
const monthStart = Date.UTC(2026, 4, 1);
const marks: Record<string, number> = { 'BTC/USDT': 50_000, 'USDT/EUR': 0.5 };
const prices = (s: string): PricePoint | null =>
  marks[s] ? { price: marks[s], time: now, source: 'live' } : null;

function series(points: Array<[number, number]>): Series {
  return {
    times: Float64Array.from(points.map((p) => p[0])),
    values: Float64Array.from(points.map((p) => p[1])),
  };
}

const trade = (pnl: string, symbol = 'BTC/USDT'): ClosedTrade => ({
  id: pnl,
  accountId: 'a',
  symbol,
  amount: '1',
  entry: '1',
  exit: '1',
  pnl,
  time: now,
});

const breaker = (halted: boolean, reason: string | null): BreakerState => ({
  halted,
  rule: halted ? 'daily-loss' : null,
  reason,
  haltedAt: halted ? now : null,
  equityPeak: '0',
  dayStart,
  dayStartEquity: '0',
  consecutiveLosses: 0,
});

describe('the executive view', () => {
  it('gives today’s and the month’s PnL net of flows, trade statistics, drawdown and exposure', () => {
    const flows: CashFlow[] = [
      {
        id: 'f0',
        accountId: 'a',
        time: monthStart - H,
        asset: 'USDT',
        amount: '10000',
        value: 10_000,
        note: '',
        origin: 'auto',
      },
      {
        id: 'f1',
        accountId: 'a',
        time: dayStart + 2 * H,
        asset: 'USDT',
        amount: '1000',
        value: 1000,
        note: '',
        origin: 'user',
      },
    ];
    const s = series([
      [monthStart - H, 10_000],
      [monthStart + H, 10_000],
      [dayStart - H, 12_000],
      [dayStart + H, 11_000],
      [dayStart + 2 * H, 12_000],
    ]);
    const valued = valueHoldings(
      [
        {
          id: 'a',
          label: 'Paper',
          venue: 'paper',
          exchange: 'binance',
          amounts: { USDT: '2500', BTC: '0.2' },
        },
      ],
      'USDT',
      prices,
    );
    const v = executiveView({
      quote: 'USDT',
      now,
      valued,
      history: equityHistory(
        new Map([['a', s]]),
        flows,
        new Map([['a', { time: now, equity: valued.total }]]),
      ),
      rate: 1,
      trades: [tradeTotalsOf([trade('30'), trade('-10')]), tradeTotalsOf([trade('20'), trade('0')])],
      prices,
      breakers: [{ label: 'Paper', state: breaker(false, null) }],
    });
    expect(v.equity).toBe(12_500);
    // 12,000 at 00:00, 12,500 now, 1,000 of it deposited today: -500.
    expect(v.todayPnl).toBeCloseTo(-500, 9);
    // 10,000 on the 1st, 12,500 now, 1,000 deposited: +1,500.
    expect(v.monthPnl).toBeCloseTo(1500, 9);
    expect(v.trades).toBe(4);
    expect(v.winRate).toBe(0.5);
    expect(v.profitFactor).toBe(5);
    expect(v.expectancy).toBe(10);
    // The index peaks at 1.2, falls to 1.1 (the deposit is not a rally), and ends at 1.15.
    expect(v.maxDrawdown).toBeCloseTo(1 - 1.1 / 1.2, 12);
    expect(v.grossExposure).toBe(10_000);
    expect(v.netExposure).toBe(10_000);
    expect(v).toMatchObject({ halted: false, haltReason: null, pricesAsOf: now });
  });

  it('says halted, with the reason, and is empty without history or trades', () => {
    const v = executiveView({
      quote: 'EUR',
      now,
      valued: valueHoldings([], 'EUR', prices),
      history: equityHistory(new Map(), []),
      rate: 0.5,
      trades: [],
      prices,
      breakers: [
        { label: 'Paper', state: breaker(true, 'equity fell 1,050 since 00:00 UTC') },
        { label: 'Main', state: breaker(false, null) },
      ],
    });
    expect(v).toMatchObject({
      equity: null,
      todayPnl: null,
      monthPnl: null,
      winRate: null,
      profitFactor: null,
      expectancy: null,
      trades: 0,
      maxDrawdown: null,
      halted: true,
      haltReason: 'Paper: equity fell 1,050 since 00:00 UTC',
    });
  });

  it('the month starts on the 1st, 00:00 UTC', () => {
    expect(utcMonthStart(Date.UTC(2026, 1, 28, 23, 59))).toBe(Date.UTC(2026, 1, 1));
  });

  it('counts swap trades in the quote before the colon, and says how many trades have no price', () => {
    const v = executiveView({
      quote: 'USDT',
      now,
      valued: valueHoldings([], 'USDT', prices),
      history: equityHistory(new Map(), []),
      rate: 1,
      trades: [tradeTotalsOf([trade('10', 'BTC/USDT:USDT'), trade('-5', 'ABC/QQQ'), trade('-6', 'DEF/QQQ')])],
      prices,
      breakers: [],
    });
    expect(v.trades).toBe(1);
    expect(v.expectancy).toBe(10);
    expect(v.notes).toEqual([
      '2 closed trades in QQQ are left out of the trade statistics: QQQ has no price in USDT.',
    ]);
  });
});
