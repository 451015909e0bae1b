/**
 * Binance's SIGNED request check: the API key from `X-MBX-APIKEY`, an HMAC-SHA256 hex signature
 * of the total params (the raw query string followed by the raw request body, as sent, without
 * the signature itself), and `timestamp` within `recvWindow` of the sandbox clock.
 *
 * Nothing here logs: secrets and signatures must never reach a log line.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { errors } from '../binance-errors.js';
import { API_KEY_RE, type Account, type AccountStore } from './accounts.js';
import { privateErrors } from './private-errors.js';

export const DEFAULT_RECV_WINDOW = 5000;
export const MAX_RECV_WINDOW = 60_000;
/** Binance refuses requests stamped more than this far in the future. */
const MAX_AHEAD_MS = 1000;

export interface SignedInput {
  apiKey: string | undefined;
  /** Raw query string without '?' (may be empty). */
  query: string;
  /** Raw urlencoded body (may be empty). */
  body: string;
  now: number;
}

export function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** The API key's account, or Binance's -2014 / -2015. */
export function accountFor(apiKey: string | undefined, accounts: AccountStore): Account {
  if (apiKey === undefined || !API_KEY_RE.test(apiKey)) throw privateErrors.badApiKeyFormat();
  const account = accounts.byApiKey(apiKey);
  if (account === undefined) throw privateErrors.rejectedApiKey();
  return account;
}

function withoutSignature(raw: string): string {
  return raw
    .split('&')
    .filter((part) => part !== '' && !part.startsWith('signature='))
    .join('&');
}

function signatureMatches(secret: string, payload: string, given: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(given)) return false;
  const expected = Buffer.from(hmacHex(secret, payload), 'hex');
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/** timestamp/recvWindow checks shared by REST and the WebSocket API. */
export function checkTimestamp(
  timestampText: string | undefined,
  recvWindowText: string | undefined,
  now: number,
): void {
  if (timestampText === undefined || timestampText === '') throw errors.mandatory('timestamp');
  if (!/^[0-9]{1,20}$/.test(timestampText)) throw errors.illegalChars('timestamp', '^[0-9]{1,20}$');
  let recvWindow = DEFAULT_RECV_WINDOW;
  if (recvWindowText !== undefined) {
    if (!/^[0-9]{1,20}$/.test(recvWindowText)) throw errors.illegalChars('recvWindow', '^[0-9]{1,20}$');
    recvWindow = Number(recvWindowText);
    if (recvWindow > MAX_RECV_WINDOW) throw privateErrors.badRecvWindow();
  }
  const timestamp = Number(timestampText);
  if (timestamp >= now + MAX_AHEAD_MS) throw privateErrors.timestampAhead();
  if (now - timestamp > recvWindow) throw privateErrors.timestampBehind();
}

/**
 * Verifies a signed REST request. Returns the account and the merged params (query + body)
 * without `signature`; `timestamp` and `recvWindow` stay in for the endpoint's allow-list.
 */
export function verifySigned(
  input: SignedInput,
  accounts: AccountStore,
): { account: Account; params: URLSearchParams } {
  const account = accountFor(input.apiKey, accounts);
  const params = new URLSearchParams(input.query);
  for (const [k, v] of new URLSearchParams(input.body)) params.append(k, v);
  const signatures = params.getAll('signature');
  if (signatures.length > 1) throw errors.duplicateParameter('signature');
  const signature = signatures[0];
  if (signature === undefined || signature === '') throw errors.mandatory('signature');
  const payload = withoutSignature(input.query) + withoutSignature(input.body);
  if (!signatureMatches(account.secret, payload, signature)) throw privateErrors.badSignature();
  const timestamps = params.getAll('timestamp');
  if (timestamps.length > 1) throw errors.duplicateParameter('timestamp');
  checkTimestamp(timestamps[0], params.get('recvWindow') ?? undefined, input.now);
  params.delete('signature');
  return { account, params };
}

/**
 * WebSocket API form: params is a JSON object; the payload is every param but `signature`,
 * sorted by name, joined as key=value with '&' (no percent-encoding).
 */
export function verifyWsSigned(
  params: Record<string, unknown>,
  accounts: AccountStore,
  now: number,
): Account {
  const apiKey = typeof params['apiKey'] === 'string' ? params['apiKey'] : undefined;
  const account = accountFor(apiKey, accounts);
  const signature = params['signature'];
  if (typeof signature !== 'string' || signature === '') throw errors.mandatory('signature');
  const payload = Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&');
  if (!signatureMatches(account.secret, payload, signature)) throw privateErrors.badSignature();
  const ts = params['timestamp'];
  const rw = params['recvWindow'];
  checkTimestamp(ts === undefined ? undefined : String(ts), rw === undefined ? undefined : String(rw), now);
  return account;
}
