import { Decimal } from '../../money/decimal.js';
import type { FillRecord, PaperAccount } from '../../trading/types.js';
import { REFERENCE_SYMBOL } from './reference-csv.js';

/** One of the trading engine's own fills, in the reference market unless told. */
export function liveFill(
  id: string,
  accountId: string,
  side: 'buy' | 'sell',
  amount: string,
  price: string,
  time: number,
  symbol = REFERENCE_SYMBOL,
): FillRecord {
  return {
    id,
    orderId: id,
    accountId,
    symbol,
    side,
    price,
    amount,
    quote: Decimal.from(price).mul(amount).toString(),
    fee: '0',
    feeAsset: symbol.split('/')[1] ?? '',
    liquidity: 'taker',
    time,
  };
}

export function paperAccount(id: string, name = id): PaperAccount {
  return {
    id,
    exchange: 'binance',
    name,
    balances: {},
    reserved: {},
    starting: {},
    latencyMs: 0,
    createdAt: 0,
    resetAt: 0,
  };
}

export function liveAccount(id: string, name = id): PaperAccount {
  return { ...paperAccount(id, name), live: { vaultId: id.replace(/^live:/, ''), venue: 'live' } };
}
