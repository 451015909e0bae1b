import { ccxtLineage, engineError, fromCcxtError, type EngineError } from '../shared/errors.js';

/**
 * What went wrong with a signed request, in words, with the next step. Public market data has its own
 * wording (`fromCcxtError`); orders and balances need different advice: a refused key is the user's to
 * fix, a clock skew is the device's, an order the exchange refused must not be retried by itself.
 */
const privateMessages: Array<[string, string, string, boolean]> = [
  [
    'AccountSuspended',
    'account-suspended',
    'The exchange says this account is suspended. Contact the exchange; Lyra cannot trade on it.',
    false,
  ],
  [
    'PermissionDenied',
    'permission',
    'The API key lacks a permission this needs (trading or reading). Enable it on the exchange, then test the connection again.',
    false,
  ],
  [
    'AuthenticationError',
    'auth',
    'The exchange refused the API key or its signature. Check the key and secret in the vault (they may have expired or been revoked), then test the connection again.',
    false,
  ],
  [
    'InvalidNonce',
    'clock-skew',
    "The exchange refused the request's timestamp: this device's clock is off. Set the clock to update automatically, then try again.",
    false,
  ],
  [
    'InsufficientFunds',
    'insufficient-funds',
    'The exchange says the account does not hold enough for this order. Lower the amount or add funds.',
    false,
  ],
  [
    'DuplicateOrderId',
    'duplicate-order',
    'The exchange already has an order with this client id: it was sent before and is not sent again.',
    false,
  ],
  [
    'OrderNotFound',
    'order-not-found',
    'The exchange does not know this order (it may be done already).',
    false,
  ],
  [
    'OrderImmediatelyFillable',
    'would-take',
    'A post-only order would have filled at once, so the exchange refused it. Move the price away from the spread.',
    false,
  ],
  [
    'InvalidOrder',
    'exchange-refused',
    'The exchange refused the order. Check price, amount and the market limits.',
    false,
  ],
  [
    'RateLimitExceeded',
    'rate-limit',
    'The exchange is rate-limiting this account. Lyra retries more slowly.',
    true,
  ],
  [
    'DDoSProtection',
    'rate-limit',
    'The exchange is rate-limiting this account. Lyra retries more slowly.',
    true,
  ],
];

/**
 * Maps a failure of a signed request. The exchange's own words are kept in details (they never hold the
 * secret: ccxt puts the response body there, not the request), trimmed so a huge page cannot flood a log.
 */
export function fromPrivateError(e: unknown): EngineError {
  const raw = e instanceof Error ? e.message : String(e);
  const relay = relayRefusal(raw);
  if (relay) return relay;
  // Binance refuses a reused client order id as a plain InvalidOrder; only its words tell it apart.
  if (/Duplicate order sent/i.test(raw))
    return engineError(
      'duplicate-order',
      privateMessages.find((m) => m[0] === 'DuplicateOrderId')![2],
      false,
      {
        cause: scrub(raw),
      },
    );
  // By `name`, not prototypes: ccxt sets it on every class, and it survives minification.
  const names = ccxtLineage(e instanceof Error ? e.name : '');
  for (const [cls, code, message, retryable] of privateMessages) {
    if (names.includes(cls)) return engineError(code, message, retryable, { cause: scrub(raw) });
  }
  const mapped = fromCcxtError(e);
  return mapped.details ? { ...mapped, details: { ...mapped.details, cause: scrub(raw) } } : mapped;
}

/**
 * The relay's own refusals arrive inside whatever error ccxt makes of the HTTP status; they are about
 * Lyra's sign-in, not the exchange key, and must not be reported as a refused key.
 */
function relayRefusal(raw: string): EngineError | null {
  if (raw.includes('"code":"signed-out"'))
    return engineError(
      'signed-out',
      'Live trading goes through the Lyra server, which needs you signed in: open Account and sign in with your passkey.',
      false,
    );
  if (raw.includes('"code":"read-only"'))
    return engineError('read-only', 'This account is a read-only viewer: it can see but never trade.', false);
  return null;
}

/** Drops query strings from URLs in a message: a signed URL carries the signature and timestamp. */
export function scrub(text: string): string {
  return text.replace(/(https?:\/\/[^\s?"']+)\?[^\s"']*/g, '$1?…').slice(0, 300);
}
