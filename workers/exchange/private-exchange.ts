import type { ExchangeConfig } from '../market/market-service.js';
import type { CcxtExchange } from './ccxt-source.js';
import { openExchange } from './exchanges.js';

/** The part of a ccxt exchange Lyra uses for an account: orders, trades, balances and their streams. */
export interface CcxtPrivate extends CcxtExchange {
  requiredCredentials: Record<string, boolean>;
  createOrder(
    symbol: string,
    type: string,
    side: string,
    amount: string,
    price?: string,
    params?: Record<string, unknown>,
  ): Promise<unknown>;
  cancelOrder(id: string | undefined, symbol: string, params?: Record<string, unknown>): Promise<unknown>;
  fetchOrder(id: string | undefined, symbol: string, params?: Record<string, unknown>): Promise<unknown>;
  fetchOpenOrders(symbol?: string, since?: number, limit?: number): Promise<unknown>;
  fetchMyTrades(symbol: string, since?: number, limit?: number): Promise<unknown>;
  fetchBalance(): Promise<unknown>;
  watchOrders(symbol?: string): Promise<unknown>;
  watchMyTrades(symbol?: string): Promise<unknown>;
}

export interface AccountConnection {
  /** The exchange and, for the sandbox, where it lives. */
  exchange: ExchangeConfig;
  /** apiKey, secret and whatever else the exchange requires; only ever held in the worker. */
  credentials: Record<string, string>;
  /** `<origin>/relay/`: REST goes through the server's relay, past the browser's CORS rule. */
  relayUrl: string | null;
}

const credentialNames = [
  'apiKey',
  'secret',
  'uid',
  'login',
  'password',
  'twofa',
  'privateKey',
  'walletAddress',
  'token',
];

/**
 * A ccxt instance that signs with the account's credentials, in this worker; requests leave through the
 * relay, WebSocket streams go straight to the exchange (sockets have no CORS).
 */
export async function openAccount(connection: AccountConnection): Promise<CcxtPrivate> {
  const credentials = Object.fromEntries(
    Object.entries(connection.credentials).filter(([k, v]) => credentialNames.includes(k) && v !== ''),
  );
  return openExchange<CcxtPrivate>(connection.exchange, {
    ...credentials,
    ...(connection.relayUrl ? { proxyUrl: connection.relayUrl } : {}),
  });
}

/** The credential fields an exchange asks for, in ccxt's names (apiKey, secret, password, uid, ...). */
export async function requiredCredentialsOf(exchange: ExchangeConfig): Promise<string[]> {
  const ex = await openExchange<CcxtPrivate>(exchange);
  return Object.entries(ex.requiredCredentials)
    .filter(([, required]) => required === true)
    .map(([name]) => name);
}
