import { describe, expect, it } from 'vitest';
import { fromPrivateError, scrub } from './private-errors.js';

function ccxtError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

describe('fromPrivateError', () => {
  it('says what to do about each kind of refusal, and whether retrying helps', () => {
    const cases: Array<[string, string, boolean]> = [
      ['AuthenticationError', 'auth', false],
      ['PermissionDenied', 'permission', false],
      ['InvalidNonce', 'clock-skew', false],
      ['InsufficientFunds', 'insufficient-funds', false],
      ['DuplicateOrderId', 'duplicate-order', false],
      ['OrderNotFound', 'order-not-found', false],
      ['RateLimitExceeded', 'rate-limit', true],
      ['RequestTimeout', 'timeout', true],
      ['NetworkError', 'network', true],
    ];
    for (const [name, code, retryable] of cases) {
      const mapped = fromPrivateError(ccxtError(name, 'binance {"code":-1}'));
      expect([name, mapped.code, mapped.retryable]).toEqual([name, code, retryable]);
    }
  });

  it("recognises Binance's duplicate client order id refusal, which ccxt raises as a plain InvalidOrder", () => {
    const e = ccxtError('InvalidOrder', 'binance {"code":-2010,"msg":"Duplicate order sent."}');
    expect(fromPrivateError(e).code).toBe('duplicate-order');
  });

  it('falls back to the parent class for errors it has no words for', () => {
    expect(fromPrivateError(ccxtError('OrderNotFillable', 'x')).code).toBe('exchange-refused');
  });

  it("tells the relay's refusals apart from a refused exchange key", () => {
    const e = ccxtError('AuthenticationError', 'binance 401 {"error":{"code":"signed-out","message":"x"}}');
    expect(fromPrivateError(e).code).toBe('signed-out');
    const v = ccxtError('ExchangeError', 'binance 403 {"error":{"code":"read-only","message":"x"}}');
    expect(fromPrivateError(v).code).toBe('read-only');
  });

  it('never repeats a signed query string from the message', () => {
    const mapped = fromPrivateError(
      ccxtError(
        'NetworkError',
        'GET https://api.binance.com/api/v3/account?timestamp=1&signature=abcdef0123 failed',
      ),
    );
    expect(JSON.stringify(mapped)).not.toContain('abcdef0123');
    expect(scrub('see http://x/y?signature=s3cr3t and more')).toBe('see http://x/y?… and more');
  });
});
