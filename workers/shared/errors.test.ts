import { describe, expect, it } from 'vitest';
import { EngineFailure, engineError, fromCcxtError } from './errors.js';

function ccxtError(name: string, message = 'boom'): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

describe('fromCcxtError', () => {
  it('retries network failures and not exchange errors, with plain messages', () => {
    expect(fromCcxtError(ccxtError('RequestTimeout'))).toMatchObject({ code: 'timeout', retryable: true });
    expect(fromCcxtError(ccxtError('ChecksumError'))).toMatchObject({ code: 'book-gap', retryable: true });
    expect(fromCcxtError(ccxtError('OnMaintenance'))).toMatchObject({ code: 'maintenance', retryable: true });
    expect(fromCcxtError(ccxtError('BadSymbol'))).toMatchObject({ code: 'bad-symbol', retryable: false });
    expect(fromCcxtError(ccxtError('PermissionDenied'))).toMatchObject({ code: 'auth', retryable: false });
    expect(fromCcxtError(ccxtError('InvalidOrder'))).toMatchObject({ code: 'exchange', retryable: false });
    expect(fromCcxtError(new TypeError('Failed to fetch'))).toMatchObject({
      code: 'network',
      retryable: true,
    });
    expect(fromCcxtError('weird')).toMatchObject({ code: 'unexpected', retryable: false });
    // The socket Lyra closed itself to reconnect a silent feed, and a subscription the exchange ended.
    expect(fromCcxtError(ccxtError('ExchangeClosedByUser'))).toMatchObject({
      code: 'reconnect',
      retryable: true,
    });
    expect(fromCcxtError(ccxtError('UnsubscribeError'))).toMatchObject({
      code: 'unsubscribed',
      retryable: true,
    });
  });

  it('passes engine errors through unchanged', () => {
    const error = engineError('feed-invalid-message', 'bad', false);
    expect(fromCcxtError(new EngineFailure(error))).toBe(error);
  });

  it('keeps the cause short (no giant exchange payloads in the UI)', () => {
    const mapped = fromCcxtError(ccxtError('NetworkError', 'x'.repeat(5000)));
    expect(String(mapped.details?.cause).length).toBeLessThanOrEqual(300);
  });
});
