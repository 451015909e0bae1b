import { defaultFeeRate, rulesOf } from '../../money/market-rules.js';
import { Decimal } from '../../money/decimal.js';
import type { LyraDb } from '../../store/db.js';
import type { MarketInfo } from '../../market/types.js';
import type { OrderRequest } from '../api.js';
import type { MarketAccess } from '../market-link.js';
import type { BatchGate, RebalanceContext } from '../rebalance/index.js';
import { terminalStatuses } from '../types.js';
import { priceIn, type SymbolPrices } from './marks.js';
import type { TradingPort } from './ports.js';

/**
 * A market buy may fill above the planning price (spread, slippage): the buys are sized to still fit the
 * cash at a price this much worse.
 */
const slippage = '0.002';

function clientId(): string {
  return `rb${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`;
}

/** The assets a plan input names, upper-cased, so a target not held yet gets a priced row too. */
export function targetAssets(input: unknown): string[] {
  const targets = (input as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(targets)) return [];
  return targets
    .map((t) => (t as { asset?: unknown } | null)?.asset)
    .filter((a): a is string => typeof a === 'string' && a.trim() !== '')
    .map((a) => a.trim().toUpperCase());
}

/** The active account's markets: the market engine's when it has them, else the stored ones (offline). */
async function marketsOf(db: LyraDb, market: MarketAccess | null, exchange: string): Promise<MarketInfo[]> {
  const live = market?.exchangeId() === exchange ? market.markets() : [];
  if (live.length) return live;
  return (await db.markets.where('exchange').equals(exchange).toArray()).map(({ exchange: _e, ...m }) => m);
}

/**
 * What the rebalance planner needs about the active trading account: its free holdings priced in `quote`
 * (targets not held yet included at amount 0), what open orders reserve, its exchange's market rules,
 * and the fee rate. Only free balances are planned with: the risk gate lets an order spend free funds
 * only, so a plan counting reserved ones would send sells whose buys are then refused.
 */
export async function rebalanceContext(
  db: LyraDb,
  market: MarketAccess | null,
  accountId: string,
  quote: string,
  prices: SymbolPrices,
  wanted: readonly string[],
): Promise<RebalanceContext | null> {
  const row = await db.accounts.get(accountId);
  if (!row) return null;
  const held: Record<string, string> = {};
  for (const [asset, amount] of Object.entries(row.balances ?? {})) {
    const d = Decimal.tryFrom(amount);
    if (d && !d.isZero()) held[asset] = d.toString();
  }
  const reserved: { asset: string; amount: string }[] = [];
  for (const [asset, amount] of Object.entries(row.reserved ?? {})) {
    const d = Decimal.tryFrom(amount);
    if (d && d.isPositive()) reserved.push({ asset, amount: d.toString() });
  }
  const assets = new Set([...Object.keys(held), ...wanted]);
  const holdings = [...assets].map((asset) => ({
    asset,
    amount: held[asset] ?? '0',
    price: priceIn(asset, quote, prices)?.price ?? null,
  }));
  const markets = (await marketsOf(db, market, row.exchange))
    .filter((m) => m.active !== false)
    .map((m) => ({ symbol: m.symbol, base: m.base, quote: m.quote, rules: rulesOf(m) }));
  // The planner charges each market at least its own taker rate; this is the floor for all of them.
  let fee: Decimal | null = null;
  for (const m of markets) if (m.quote === quote && (!fee || m.rules.taker.lt(fee))) fee = m.rules.taker;
  return {
    accountId,
    quote,
    holdings,
    reserved,
    markets,
    feeRate: (fee ?? Decimal.from(defaultFeeRate)).toString(),
    newId: clientId,
    slippage,
  };
}

/** The risk gate, order placement and settlement of the trading engine, as the batch runner needs them. */
export function tradingGate(db: LyraDb, trading: TradingPort, pollMs = 200): BatchGate {
  return {
    preview: (order: OrderRequest) => trading.preview({ kind: 'order', order }),
    place: (order: OrderRequest, id: string) => trading.place({ kind: 'order', order }, id),
    async free(asset: string) {
      const row = await db.accounts.get(trading.activeAccountId());
      return row?.balances?.[asset] ?? '0';
    },
    async settle(ids: string[], timeoutMs: number) {
      const until = Date.now() + Math.max(0, timeoutMs);
      for (;;) {
        const orders = await db.orders.bulkGet(ids);
        if (orders.every((o) => !o || terminalStatuses.has(o.status))) return;
        if (Date.now() >= until) return;
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
  };
}
