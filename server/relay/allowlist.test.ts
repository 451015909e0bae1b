import { describe, expect, it } from 'vitest';
import { createRelayAllowlist } from './allowlist.js';
import { ccxtApiHosts } from './ccxt-api-hosts.js';

describe('ccxtApiHosts', () => {
  it("collects the API hosts from ccxt's url table but not the testnet ones", () => {
    const hosts = ccxtApiHosts('binance');
    expect(hosts).toContain('api.binance.com');
    expect(hosts).toContain('fapi.binance.com');
    expect(hosts).not.toContain('testnet.binance.vision');
    expect(hosts.every((h) => !h.includes('/') && !h.includes(':'))).toBe(true);
  });

  it('fills in the {hostname} placeholder the way ccxt does', () => {
    expect(ccxtApiHosts('bybit')).toContain('api.bybit.com');
    expect(ccxtApiHosts('bybit').some((h) => h.includes('{'))).toBe(false);
  });

  it('refuses an exchange id ccxt does not know, so a typo in config fails at start', () => {
    expect(() => ccxtApiHosts('binanse')).toThrow(/Unknown ccxt exchange id 'binanse'/);
  });
});

describe('createRelayAllowlist', () => {
  const allowlist = createRelayAllowlist({
    exchanges: ['binance'],
    extraHosts: ['Api.Example.com'],
    sandboxOrigin: 'http://localhost:3000',
  });
  const check = (url: string) => allowlist.check(new URL(url));

  it('allows https on the default port to an exchange host or an extra host', () => {
    expect(check('https://api.binance.com/api/v3/time')).toEqual({ allowed: true });
    expect(check('https://API.BINANCE.COM:443/api/v3/time')).toEqual({ allowed: true });
    expect(check('https://api.example.com/x')).toEqual({ allowed: true });
  });

  it('allows the sandbox origin over plain http, and nothing else on localhost', () => {
    expect(check('http://localhost:3000/api/v3/order?x=1')).toEqual({ allowed: true });
    expect(check('http://localhost:3001/api/v3/order')).toMatchObject({ allowed: false });
    expect(check('https://localhost/api/v3/order')).toMatchObject({ allowed: false });
  });

  it('refuses hosts that only resemble an allowed one', () => {
    for (const url of [
      'https://api.binance.com.evil.example/x',
      'https://evilapi.binance.com/x',
      'https://api.binance.com./x',
      'https://binance.com/x',
    ])
      expect(check(url), url).toMatchObject({ allowed: false, reason: 'the host is not on the allowlist' });
  });

  it('refuses user info, even in front of an allowed host', () => {
    expect(check('https://user:pw@api.binance.com/x')).toMatchObject({ allowed: false });
    expect(check('https://api.binance.com@evil.example/x')).toMatchObject({
      allowed: false,
      host: 'evil.example',
    });
    expect(check('http://user@localhost:3000/x')).toMatchObject({ allowed: false });
  });

  it('refuses other ports, plain http, other schemes and IP literals', () => {
    expect(check('https://api.binance.com:8443/x')).toMatchObject({
      allowed: false,
      host: 'api.binance.com:8443',
    });
    expect(check('http://api.binance.com/x')).toMatchObject({ allowed: false });
    expect(check('ftp://api.binance.com/x')).toMatchObject({ allowed: false });
    expect(check('https://0x7f.1/x')).toMatchObject({ allowed: false, host: '127.0.0.1' });
    expect(check('https://2130706433/x')).toMatchObject({ reason: 'IP addresses are not relayed' });
    expect(check('https://[::1]/x')).toMatchObject({ reason: 'IP addresses are not relayed' });
  });

  it('rejects malformed configuration instead of guessing', () => {
    expect(() => createRelayAllowlist({ exchanges: [], extraHosts: ['https://x.example'] })).toThrow();
    expect(() => createRelayAllowlist({ exchanges: [], extraHosts: ['x.example:8443'] })).toThrow();
    expect(() => createRelayAllowlist({ exchanges: [], extraHosts: ['10.0.0.1'] })).toThrow();
    expect(() => createRelayAllowlist({ exchanges: [], sandboxOrigin: 'ws://localhost:3000' })).toThrow();
    expect(() =>
      createRelayAllowlist({ exchanges: [], sandboxOrigin: 'http://localhost:3000/api' }),
    ).toThrow();
  });
});
