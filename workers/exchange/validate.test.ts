import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineFailure } from '../shared/errors.js';
import {
  decimalsOf,
  parseBookSnapshot,
  parseCandles,
  parseDepthDiff,
  parseMarket,
  parseTicker,
  parseTrade,
} from './validate.js';

function rejection(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EngineFailure);
    expect((e as EngineFailure).error.code).toBe('feed-invalid-message');
    return (e as EngineFailure).error.message;
  }
  throw new Error('expected a rejection');
}

const diff = { e: 'depthUpdate', E: 1, s: 'BTCUSDT', U: 10, u: 12, b: [['100.5', '2']], a: [['101', '0']] };

describe('exchange message validation', () => {
  it('accepts a well-formed depth diff as typed arrays', () => {
    const d = parseDepthDiff(diff);
    expect(d).toMatchObject({ first: 10, last: 12, time: 1 });
    expect([...d.bids]).toEqual([100.5, 2]);
    expect([...d.asks]).toEqual([101, 0]);
  });

  it('rejects every malformed depth diff with a reason, before it can touch a book', () => {
    expect(rejection(() => parseDepthDiff(null))).toMatch(/not an object/);
    expect(rejection(() => parseDepthDiff({ ...diff, U: '10' }))).toMatch(/U\/u/);
    expect(rejection(() => parseDepthDiff({ ...diff, U: 13 }))).toMatch(/after last id/);
    expect(rejection(() => parseDepthDiff({ ...diff, b: 'x' }))).toMatch(/not a list/);
    expect(rejection(() => parseDepthDiff({ ...diff, b: [['100']] }))).toMatch(/pair/);
    expect(rejection(() => parseDepthDiff({ ...diff, b: [['abc', '1']] }))).toMatch(/price abc/);
    expect(rejection(() => parseDepthDiff({ ...diff, a: [['-1', '1']] }))).toMatch(/price -1/);
    expect(rejection(() => parseDepthDiff({ ...diff, a: [['1', '-1']] }))).toMatch(/size -1/);
    expect(rejection(() => parseDepthDiff({ ...diff, a: [['1', 'Infinity']] }))).toMatch(/size Infinity/);
  });

  it('never lets a non-finite or negative number through, whatever the input', () => {
    const junk = fc.oneof(
      fc.string(),
      fc.double(),
      fc.constant(null),
      fc.constant(undefined),
      fc.integer(),
      fc.boolean(),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(junk, junk), { maxLength: 5 }),
        fc.array(fc.tuple(junk, junk), { maxLength: 5 }),
        (b, a) => {
          let parsed;
          try {
            parsed = parseDepthDiff({ ...diff, b, a });
          } catch (e) {
            expect(e).toBeInstanceOf(EngineFailure);
            return;
          }
          for (const levels of [parsed.bids, parsed.asks]) {
            for (let i = 0; i < levels.length; i += 2) {
              expect(levels[i]! > 0 && Number.isFinite(levels[i])).toBe(true);
              expect(levels[i + 1]! >= 0 && Number.isFinite(levels[i + 1])).toBe(true);
            }
          }
        },
      ),
    );
  });

  it('checks snapshots: an update id in diff mode, sorted sides', () => {
    const snap = {
      nonce: 5,
      timestamp: 9,
      bids: [
        [100, 1],
        [99, 2],
      ],
      asks: [
        [101, 1],
        [102, 1],
      ],
    };
    expect(parseBookSnapshot(snap, true).nonce).toBe(5);
    expect(rejection(() => parseBookSnapshot({ ...snap, nonce: undefined }, true))).toMatch(/update id/);
    expect(parseBookSnapshot({ ...snap, nonce: undefined }, false).nonce).toBe(0);
    expect(
      rejection(() =>
        parseBookSnapshot(
          {
            ...snap,
            bids: [
              [99, 1],
              [100, 2],
            ],
          },
          true,
        ),
      ),
    ).toMatch(/high to low/);
    expect(
      rejection(() =>
        parseBookSnapshot(
          {
            ...snap,
            asks: [
              [102, 1],
              [101, 1],
            ],
          },
          true,
        ),
      ),
    ).toMatch(/low to high/);
  });

  it('checks trades, candles and tickers', () => {
    expect(parseTrade({ id: 7, timestamp: 1, price: '10', amount: 2, side: 'buy' })).toEqual({
      id: '7',
      time: 1,
      price: 10,
      amount: 2,
      side: 'buy',
    });
    expect(rejection(() => parseTrade({ id: 7, timestamp: 1, price: 10, amount: 2, side: 'up' }))).toMatch(
      /side up/,
    );
    expect(rejection(() => parseTrade({ id: 7, timestamp: 1, price: 0, amount: 2, side: 'buy' }))).toMatch(
      /price 0/,
    );
    const candles = parseCandles([
      [120_000, 2, 3, 1, 2, 5],
      [60_000, 1, 2, 1, 2, 4],
    ]);
    expect([...candles.time]).toEqual([60_000, 120_000]);
    expect(rejection(() => parseCandles([[60_000, 1, 0.5, 1, 2, 4]]))).toMatch(/high\/low/);
    expect(rejection(() => parseCandles([[1.5, 1, 2, 1, 2, 4]]))).toMatch(/time/);
    expect(parseTicker({ symbol: 'BTC/USDT', last: 5, open: 'x' }, 'BTC/USDT')).toMatchObject({
      last: 5,
      open: null,
    });
    expect(rejection(() => parseTicker({ symbol: 'ETH/USDT', last: 5 }, 'BTC/USDT'))).toMatch(
      /symbol ETH\/USDT/,
    );
  });

  it('derives precision from tick sizes in either of ccxt precision modes', () => {
    expect(decimalsOf(0.01)).toBe(2);
    expect(decimalsOf(0.00001)).toBe(5);
    expect(decimalsOf(1e-8)).toBe(8);
    expect(decimalsOf(5)).toBe(0);
    const raw = {
      symbol: 'BTC/USDT',
      id: 'BTCUSDT',
      base: 'BTC',
      quote: 'USDT',
      spot: true,
      precision: { price: 0.01, amount: 0.00001 },
      limits: { cost: { min: 5 } },
    };
    expect(parseMarket(raw, 4)).toMatchObject({
      tickSize: 0.01,
      stepSize: 0.00001,
      priceDecimals: 2,
      amountDecimals: 5,
      minNotional: 5,
    });
    expect(parseMarket({ ...raw, precision: { price: 2, amount: 4 } }, 2)).toMatchObject({
      tickSize: 0.01,
      priceDecimals: 2,
      amountDecimals: 4,
    });
    expect(parseMarket({ ...raw, spot: false }, 4)).toBeUndefined();
    expect(parseMarket({ ...raw, precision: {} }, 4)).toBeUndefined();
  });
});
