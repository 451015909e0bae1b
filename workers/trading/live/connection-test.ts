import { openAccount, type AccountConnection } from '../../exchange/private-exchange.js';
import { fromPrivateError } from '../../exchange/private-errors.js';
import type { EngineError } from '../../shared/errors.js';
import { readBalances, type LiveBalances } from './live-venue.js';

export type ConnectionTestResult = { ok: true; balances: LiveBalances } | { ok: false; error: EngineError };

/**
 * Proves a key works before the vault keeps it: one signed read (the balances) through the relay. The
 * answer says what failed in words: a refused key, a clock skew, no relay session, the exchange down.
 */
export async function testConnection(connection: AccountConnection): Promise<ConnectionTestResult> {
  let exchange;
  try {
    exchange = await openAccount(connection);
    const balances = readBalances(await exchange.fetchBalance());
    return 'free' in balances ? { ok: true, balances } : { ok: false, error: balances };
  } catch (e) {
    return { ok: false, error: fromPrivateError(e) };
  } finally {
    await exchange?.close().catch(() => undefined);
  }
}
