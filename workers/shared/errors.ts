/**
 * Errors cross the engine boundary as data, so the UI can show them and decide about retries without
 * knowing which library raised them.
 */
export interface EngineError {
  /** Stable machine code, e.g. 'network', 'bad-symbol', 'feed-invalid-message'. */
  code: string;
  /** One sentence for the user: what happened and, where possible, what to do. */
  message: string;
  retryable: boolean;
  details?: Record<string, string | number | boolean | null>;
}

export class EngineFailure extends Error {
  constructor(readonly error: EngineError) {
    super(error.message);
    this.name = 'EngineFailure';
  }
}

export function engineError(
  code: string,
  message: string,
  retryable = false,
  details?: EngineError['details'],
): EngineError {
  return details ? { code, message, retryable, details } : { code, message, retryable };
}

// ccxt's error classes, child -> parent (ccxt sets `name` explicitly, so this survives minification).
const ccxtParent: Record<string, string> = {
  ExchangeError: 'BaseError',
  AuthenticationError: 'ExchangeError',
  PermissionDenied: 'AuthenticationError',
  AccountNotEnabled: 'PermissionDenied',
  AccountSuspended: 'AuthenticationError',
  ArgumentsRequired: 'ExchangeError',
  BadRequest: 'ExchangeError',
  BadSymbol: 'BadRequest',
  OperationRejected: 'ExchangeError',
  NoChange: 'OperationRejected',
  MarginModeAlreadySet: 'NoChange',
  MarketClosed: 'OperationRejected',
  ManualInteractionNeeded: 'OperationRejected',
  RestrictedLocation: 'OperationRejected',
  InsufficientFunds: 'ExchangeError',
  InvalidAddress: 'ExchangeError',
  AddressPending: 'InvalidAddress',
  InvalidOrder: 'ExchangeError',
  OrderNotFound: 'InvalidOrder',
  OrderNotCached: 'InvalidOrder',
  OrderImmediatelyFillable: 'InvalidOrder',
  OrderNotFillable: 'InvalidOrder',
  DuplicateOrderId: 'InvalidOrder',
  ContractUnavailable: 'InvalidOrder',
  NotSupported: 'ExchangeError',
  InvalidProxySettings: 'ExchangeError',
  ExchangeClosedByUser: 'ExchangeError',
  OperationFailed: 'BaseError',
  NetworkError: 'OperationFailed',
  DDoSProtection: 'NetworkError',
  RateLimitExceeded: 'NetworkError',
  ExchangeNotAvailable: 'NetworkError',
  OnMaintenance: 'ExchangeNotAvailable',
  InvalidNonce: 'NetworkError',
  ChecksumError: 'InvalidNonce',
  RequestTimeout: 'NetworkError',
  BadResponse: 'OperationFailed',
  NullResponse: 'BadResponse',
  CancelPending: 'OperationFailed',
  UnsubscribeError: 'BaseError',
};

/** A ccxt error class name and its ancestors, most specific first. */
export function ccxtLineage(name: string): string[] {
  const chain = [name];
  let current = name;
  while (ccxtParent[current]) {
    current = ccxtParent[current] as string;
    chain.push(current);
  }
  return chain;
}

/**
 * Errors that retrying cannot fix. A market-data feed is a subscription, not a request: it retries
 * everything else with backoff (the exchange may be restarting, a message may have been garbled).
 */
export const permanentFeedErrors: ReadonlySet<string> = new Set([
  'bad-symbol',
  'not-supported',
  'auth',
  'bad-config',
]);

const plainMessages: Array<[string, string, string]> = [
  // Lyra closed the socket itself (a silent feed): reconnecting is the point.
  ['ExchangeClosedByUser', 'reconnect', 'Reconnecting to the exchange.'],
  ['UnsubscribeError', 'unsubscribed', 'The exchange ended a subscription. Subscribing again.'],
  ['BadSymbol', 'bad-symbol', 'The exchange does not list this market. Pick another symbol.'],
  ['AuthenticationError', 'auth', 'The exchange refused the API key. Check the key and its permissions.'],
  ['RateLimitExceeded', 'rate-limit', 'The exchange is rate-limiting Lyra. Retrying more slowly.'],
  ['DDoSProtection', 'rate-limit', 'The exchange is rate-limiting Lyra. Retrying more slowly.'],
  ['OnMaintenance', 'maintenance', 'The exchange is under maintenance. Lyra will reconnect when it is back.'],
  ['RequestTimeout', 'timeout', 'The exchange did not answer in time. Retrying.'],
  ['ExchangeNotAvailable', 'unavailable', 'The exchange is not reachable. Retrying.'],
  ['ChecksumError', 'book-gap', 'The order book stream skipped updates. Reloading the book.'],
  ['NetworkError', 'network', 'The connection to the exchange failed. Retrying.'],
  ['BadResponse', 'bad-response', 'The exchange sent a reply Lyra could not read. Retrying.'],
  ['BadRequest', 'bad-request', 'The exchange rejected the request as invalid.'],
  ['NotSupported', 'not-supported', 'This exchange does not support that feature.'],
  ['ExchangeError', 'exchange', 'The exchange returned an error.'],
];

/** Maps anything thrown by ccxt (or the network under it) to an EngineError, once, in one place. */
export function fromCcxtError(e: unknown): EngineError {
  if (e instanceof EngineFailure) return e.error;
  const name = e instanceof Error ? e.name : '';
  const raw = e instanceof Error ? e.message : String(e);
  const chain = ccxtLineage(name);
  // fetch() network failures are TypeErrors; a socket Lyra closed or an ended subscription is reopened.
  const retryable =
    chain.includes('OperationFailed') ||
    name === 'TypeError' ||
    name === 'ExchangeClosedByUser' ||
    name === 'UnsubscribeError';
  for (const [cls, code, message] of plainMessages) {
    if (chain.includes(cls)) return engineError(code, message, retryable, { cause: raw.slice(0, 300) });
  }
  if (name === 'TypeError') {
    return engineError('network', 'The connection to the exchange failed. Retrying.', true, {
      cause: raw.slice(0, 300),
    });
  }
  return engineError('unexpected', `Unexpected error: ${raw.slice(0, 200)}`, false);
}
