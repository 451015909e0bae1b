import { describe, expect, it } from 'vitest';
import {
  BINANCE_QUOTES,
  krakenAsset,
  splitBinancePair,
  splitKrakenPair,
  splitSymbol,
  symbolOf,
} from './assets.js';

const binance = (text: string) => {
  const p = splitBinancePair(text);
  return p === null ? null : symbolOf(p);
};
const generic = (text: string) => {
  const r = splitSymbol(text);
  return r.ok ? symbolOf(r.pair) : r.candidates.map(symbolOf);
};
const splitKraken = (text: string) => {
  const p = splitKrakenPair(text);
  return p === null ? null : symbolOf(p);
};

describe('splitBinancePair', () => {
  it('splits at the longest known quote asset that ends the pair', () => {
    expect(binance('BTCUSDT')).toBe('BTC/USDT');
    expect(binance('BTCFDUSD')).toBe('BTC/FDUSD');
    expect(binance('BNBTUSD')).toBe('BNB/TUSD');
    expect(binance('BNBBUSD')).toBe('BNB/BUSD');
    expect(binance('ADAEUR')).toBe('ADA/EUR');
    expect(binance('ETHBTC')).toBe('ETH/BTC');
    expect(binance('PAXGUSDT')).toBe('PAXG/USDT');
    expect(binance('USDTTRY')).toBe('USDT/TRY');
    expect(binance('1000SATSUSDT')).toBe('1000SATS/USDT');
    expect(binance('btcusdc')).toBe('BTC/USDC');
  });

  it('knows no quote that ends another, so a listed pair splits one way only', () => {
    for (const long of BINANCE_QUOTES)
      for (const short of BINANCE_QUOTES)
        if (long !== short) expect(long.endsWith(short), `${long} ${short}`).toBe(false);
  });

  it('tries quote assets another column names first', () => {
    expect(binance('ABCXYZ')).toBeNull();
    expect(splitBinancePair('ABCXYZ', ['XYZ'])).toEqual({ base: 'ABC', quote: 'XYZ' });
    expect(splitBinancePair('BTCAEUR', ['AEUR'])).toEqual({ base: 'BTC', quote: 'AEUR' });
  });

  it('refuses what it cannot split', () => {
    for (const bad of ['USDT', '', 'BTC/', 'A/B/C', 'BTC USDT']) expect(binance(bad), bad).toBeNull();
  });
});

describe('splitSymbol (generic files)', () => {
  it('takes a separator as written', () => {
    expect(generic('BTC/USDT')).toBe('BTC/USDT');
    expect(generic(' eth-eur ')).toBe('ETH/EUR');
    expect(generic('SOL_USDC')).toBe('SOL/USDC');
    expect(generic('NEW/COIN')).toBe('NEW/COIN');
    expect(generic('DOT/USD')).toBe('DOT/USD');
  });

  it('splits a run-together symbol only when one known quote fits', () => {
    expect(generic('BTCUSDT')).toBe('BTC/USDT');
    expect(generic('BTCUSD')).toBe('BTC/USD');
    expect(generic('DOTUSD')).toEqual(['DO/TUSD', 'DOT/USD']);
    expect(generic('BNBBUSD')).toEqual(['BNB/BUSD', 'BNBB/USD']);
    expect(generic('FOOBAR')).toEqual([]);
    expect(generic('A/B/C')).toEqual([]);
  });
});

describe('Kraken codes', () => {
  it('normalises legacy asset codes and leaves the others', () => {
    expect(
      ['XXBT', 'XBT', 'XETH', 'ZUSD', 'ZEUR', 'XXDG', 'XDG', 'XTZ', 'DOT', 'USDT'].map(krakenAsset),
    ).toEqual(['BTC', 'BTC', 'ETH', 'USD', 'EUR', 'DOGE', 'DOGE', 'XTZ', 'DOT', 'USDT']);
  });

  it('splits legacy, newer and slashed pairs', () => {
    expect(splitKraken('XXBTZUSD')).toBe('BTC/USD');
    expect(splitKraken('XETHXXBT')).toBe('ETH/BTC');
    expect(splitKraken('XETHZEUR')).toBe('ETH/EUR');
    expect(splitKraken('XBTUSDT')).toBe('BTC/USDT');
    expect(splitKraken('XDGUSD')).toBe('DOGE/USD');
    expect(splitKraken('DOTETH')).toBe('DOT/ETH');
    expect(splitKraken('USDCUSD')).toBe('USDC/USD');
    expect(splitKraken('XBT/USD')).toBe('BTC/USD');
    expect(splitKraken('XTZUSD')).toBe('XTZ/USD');
    expect(splitKraken('XTZEUR')).toBe('XTZ/EUR');
    expect(splitKraken('ZRXXBT')).toBe('ZRX/BTC');
    expect(splitKraken('USDTZUSD')).toBe('USDT/USD');
    expect(splitKraken('XXRPZUSD')).toBe('XRP/USD');
    expect(splitKraken('XBTPYUSD')).toBe('BTC/PYUSD');
    expect(splitKraken('SOMETHING')).toBeNull();
  });
});
