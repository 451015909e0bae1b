import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { mountPrefixOf, readRelayTarget } from './relay-target.js';

const origin = 'http://127.0.0.1:3000';
// The relay must accept exactly what ccxt builds, so the URLs come from ccxt's own encoder.
const ccxtProxied = (target: string): string =>
  origin + '/relay/' + new ccxt.binance().urlEncoderForProxyUrl(target);

describe('readRelayTarget', () => {
  it('reads a target without a query, which ccxt appends as is', () => {
    const target = 'https://api.binance.com/api/v3/time';
    expect(ccxtProxied(target)).toBe(`${origin}/relay/${target}`);
    expect(readRelayTarget(ccxtProxied(target), '/relay/')).toBe(target);
  });

  it('reads a target with a query, which ccxt percent-encodes whole, restoring it byte for byte', () => {
    const target =
      'https://api.binance.com/api/v3/order?symbol=BTCUSDT&price=0.1%2B&timestamp=1&signature=ab12cd';
    expect(ccxtProxied(target)).not.toContain('?');
    expect(readRelayTarget(ccxtProxied(target), '/relay/')).toBe(target);
  });

  it('keeps percent-escapes in an unencoded path as they were sent', () => {
    const url = `${origin}/relay/https://api.example.com/markets/BTC%2FUSD`;
    expect(readRelayTarget(url, '/relay/')).toBe('https://api.example.com/markets/BTC%2FUSD');
  });

  it('accepts a plain query after an unencoded target', () => {
    const url = `${origin}/relay/https://api.example.com/ticker?symbol=BTCUSDT`;
    expect(readRelayTarget(url, '/relay/')).toBe('https://api.example.com/ticker?symbol=BTCUSDT');
  });

  it('refuses an encoded target followed by a second, outside query', () => {
    const url = `${origin}/relay/${encodeURIComponent('https://api.example.com/a?x=1')}?y=2`;
    expect(readRelayTarget(url, '/relay/')).toBeUndefined();
  });

  it('refuses paths that hold no absolute URL or escapes that do not decode', () => {
    expect(readRelayTarget(`${origin}/relay/api.binance.com/api/v3/time`, '/relay/')).toBeUndefined();
    expect(readRelayTarget(`${origin}/relay/`, '/relay/')).toBeUndefined();
    expect(readRelayTarget(`${origin}/relay/https%3A%2F%2Fx%E0%A4%A`, '/relay/')).toBeUndefined();
    expect(readRelayTarget(`${origin}/other/https://api.binance.com/`, '/relay/')).toBeUndefined();
  });

  it('leaves the scheme check to the allowlist, so a refused scheme can be named', () => {
    expect(readRelayTarget(`${origin}/relay/ftp://files.example.com/x`, '/relay/')).toBe(
      'ftp://files.example.com/x',
    );
  });
});

describe('mountPrefixOf', () => {
  it("turns Hono's wildcard route pattern into a path prefix", () => {
    expect(mountPrefixOf('/relay/*')).toBe('/relay/');
    expect(mountPrefixOf('/*')).toBe('/');
    expect(mountPrefixOf('*')).toBe('/');
  });
});
