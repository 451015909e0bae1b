import { describe, expect, it } from 'vitest';
import type { FillRecord, OrderRecord } from '$workers/api';
import { chartOverlay, remaining } from './chart-overlay';
import { averagePrice, progress, slippageBps } from './execution';
import { formatCountdown, haltMessage, isKillSwitchKey, rearmAt, secondsLeft } from './halt';
import { isEmulatedOrder, orderName, ruleLabel, splitSymbol } from './labels';
import { formatRecordTime, localInputToMs } from './time';

function order(patch: Partial<OrderRecord>): OrderRecord {
  return {
    id: 'o1',
    accountId: 'paper',
    exchange: 'binance',
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'limit',
    status: 'open',
    amount: '0.5',
    price: '60000',
    stopPrice: null,
    trail: null,
    tif: 'GTC',
    postOnly: false,
    reduceOnly: false,
    filled: '0',
    cost: '0',
    fee: '0',
    feeAsset: 'USDT',
    holds: '30000',
    holdsAsset: 'USDT',
    triggered: false,
    group: null,
    exits: null,
    source: 'manual',
    queueAhead: null,
    activeAt: 0,
    createdAt: 0,
    updatedAt: 0,
    reason: null,
    ...patch,
  };
}

function fill(patch: Partial<FillRecord>): FillRecord {
  return {
    id: 'f1',
    orderId: 'o1',
    accountId: 'paper',
    symbol: 'BTC/USDT',
    side: 'buy',
    price: '60000',
    amount: '0.1',
    quote: '6000',
    fee: '6',
    feeAsset: 'USDT',
    liquidity: 'maker',
    time: 1000,
    ...patch,
  };
}

describe('halt banner', () => {
  it('says why trading is halted and since when', () => {
    const at = new Date(2026, 10, 23, 14, 2, 30).getTime();
    expect(
      haltMessage({
        halted: true,
        reason: 'daily loss 1,050 USDT reached the 1,000 USDT limit.',
        haltedAt: at,
      }),
    ).toBe('Trading halted: daily loss 1,050 USDT reached the 1,000 USDT limit at 14:02.');
    expect(haltMessage({ halted: false, reason: null, haltedAt: null })).toBeNull();
    expect(haltMessage(null)).toBeNull();
  });

  it('counts down to the end of the cool-down', () => {
    expect(rearmAt({ halted: true, haltedAt: 1000 }, { coolDownMs: 60_000 })).toBe(61_000);
    expect(rearmAt({ halted: false, haltedAt: 1000 }, { coolDownMs: 60_000 })).toBeNull();
    expect(secondsLeft(61_000, 19_000)).toBe(42);
    expect(secondsLeft(61_000, 70_000)).toBe(0);
    expect(formatCountdown(42)).toBe('42 s');
    expect(formatCountdown(185)).toBe('3 min 05 s');
    expect(formatCountdown(3720)).toBe('1 h 02 min');
  });

  it('arms the kill switch with Ctrl+Shift+K, or Cmd+Shift+K on a Mac', () => {
    const key = { key: 'K', code: 'KeyK', shiftKey: true, ctrlKey: true, metaKey: false, altKey: false };
    expect(isKillSwitchKey(key, false)).toBe(true);
    expect(isKillSwitchKey(key, true)).toBe(false);
    expect(isKillSwitchKey({ ...key, ctrlKey: false, metaKey: true }, true)).toBe(true);
    expect(isKillSwitchKey({ ...key, shiftKey: false }, false)).toBe(false);
    expect(isKillSwitchKey({ ...key, altKey: true }, false)).toBe(false);
  });
});

describe('execution figures', () => {
  it('averages exactly and signs slippage so that positive is worse', () => {
    expect(averagePrice('6000.5', '0.1')).toBe('60005');
    expect(averagePrice('0', '0')).toBeNull();
    expect(progress('0.25', '1')).toBe(0.25);
    expect(progress('2', '1')).toBe(1);
    expect(progress('1', '0')).toBe(0);
    expect(slippageBps('buy', '100.1', '100')).toBeCloseTo(10, 9);
    expect(slippageBps('sell', '100.1', '100')).toBeCloseTo(-10, 9);
    expect(slippageBps('buy', null, '100')).toBeNull();
  });
});

describe('labels', () => {
  it('names orders for the buttons that act on them', () => {
    expect(orderName(order({}))).toBe('BTC/USDT limit buy');
    expect(orderName(order({ type: 'stop-market', side: 'sell' }))).toBe('BTC/USDT stop market sell');
  });

  it('marks orders Lyra runs itself', () => {
    expect(isEmulatedOrder(order({}))).toBe(false);
    expect(isEmulatedOrder(order({ type: 'stop-limit' }))).toBe(true);
    expect(isEmulatedOrder(order({ type: 'stop-limit', triggered: true }))).toBe(false);
    expect(isEmulatedOrder(order({ group: { kind: 'oco', id: 'g', role: 'leg' } }))).toBe(true);
    expect(isEmulatedOrder(order({ group: { kind: 'algo', id: 'a', role: 'child' } }))).toBe(false);
  });

  it('words risk rules and symbols', () => {
    expect(ruleLabel('daily-loss')).toBe('Daily loss limit');
    expect(ruleLabel('someNewRule')).toBe('Some new rule');
    expect(ruleLabel(null)).toBe('');
    expect(splitSymbol('BTC/USDT')).toEqual(['BTC', 'USDT']);
    expect(splitSymbol('BTC/USDT:USDT')).toEqual(['BTC', 'USDT']);
  });
});

describe('chart overlay', () => {
  it('draws open orders of the shown symbol as lines and its fills as markers', () => {
    const o = chartOverlay(
      'BTC/USDT',
      [
        order({ id: 'a', price: '60000', amount: '0.5', filled: '0.2' }),
        order({ id: 'b', type: 'stop-limit', side: 'sell', price: '58000', stopPrice: '58100', amount: '1' }),
        order({ id: 'c', symbol: 'ETH/USDT' }),
      ],
      [
        fill({}),
        fill({ id: 'f2', symbol: 'ETH/USDT' }),
        fill({ id: 'f3', side: 'sell', price: '61000', time: 2000 }),
      ],
    );
    expect(o.lines).toEqual([
      { price: 60000, side: 'buy', kind: 'limit', label: 'Buy 0.3' },
      { price: 58100, side: 'sell', kind: 'trigger', label: 'Stop sell 1' },
      { price: 58000, side: 'sell', kind: 'limit', label: 'Sell 1' },
    ]);
    expect(o.fills).toEqual([
      { time: 1000, price: 60000, side: 'buy' },
      { time: 2000, price: 61000, side: 'sell' },
    ]);
    expect(remaining({ amount: '0.3', filled: '0.1' })).toBe('0.2');
  });
});

describe('times', () => {
  it('shows the clock today and the date before', () => {
    const now = new Date(2026, 10, 23, 18, 0, 0).getTime();
    expect(formatRecordTime(new Date(2026, 10, 23, 14, 2, 7).getTime(), now)).toBe('14:02:07');
    expect(formatRecordTime(new Date(2026, 10, 22, 9, 15).getTime(), now)).toBe('22 Nov, 09:15');
    expect(formatRecordTime(null)).toBe('–');
    expect(localInputToMs('')).toBeNull();
    expect(localInputToMs('2026-11-23T14:02')).toBe(new Date(2026, 10, 23, 14, 2).getTime());
  });
});
