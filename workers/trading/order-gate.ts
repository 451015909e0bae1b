import { Decimal } from '../money/decimal.js';
import type { MarketRules } from '../money/market-rules.js';
import type { FieldErrors } from './order-factory.js';
import { fail } from './failures.js';
import { balanceOf } from './paper/paper-ledger.js';
import { checkOrder, type RiskCheck, type RiskDecision } from './risk/risk-gate.js';
import type { TradingContext } from './trading-context.js';
import type { AuditEntry, OrderRecord } from './types.js';
import { exposureExcept, knownEquity, priceOf } from './valuation.js';

/** The risk gate's verdict on an order, with what this tab knows of the account and the market. */
export function riskCheck(
  ctx: TradingContext,
  order: OrderRecord,
  refPrice: Decimal | null,
  rules: MarketRules,
): RiskDecision {
  const { state, link } = ctx;
  const position = state.positions.get(order.symbol);
  const account = state.account;
  const halted = state.breaker?.halted ? { reason: state.breaker.reason ?? 'Trading is halted.' } : null;
  const limit = order.price !== null ? Decimal.from(order.price) : null;
  const stop = order.stopPrice !== null ? Decimal.from(order.stopPrice) : null;
  const ref = limit ?? stop ?? refPrice ?? Decimal.ZERO;
  const known = knownEquity(state.account, link);
  const dayPnlUsdt = known && state.breaker ? known.sub(state.breaker.dayStartEquity).toNumber() : 0;
  // Limits are set in the valuation currency; a market quoted in another (ETH/BTC) is checked in its own
  // quote, so the limits and the account-wide figures are converted into it. No price for the quote: no
  // mark, and the stale-data rule refuses the order.
  const quoteValue = priceOf(rules.quote, link);
  const scale = (v: string) =>
    quoteValue === null || quoteValue === 1
      ? v
      : Decimal.from(v).div(Decimal.from(quoteValue), 12, 'down').toString();
  const limits =
    quoteValue === null || quoteValue === 1
      ? state.limits
      : {
          ...state.limits,
          maxOrderNotional: scale(state.limits.maxOrderNotional),
          maxPositionNotional: scale(state.limits.maxPositionNotional),
          maxGrossExposure: scale(state.limits.maxGrossExposure),
          dailyLossLimit: scale(state.limits.dailyLossLimit),
        };
  const inQuote = (usdt: number) => (quoteValue ? usdt / quoteValue : usdt);
  return checkOrder(
    {
      now: ctx.now(),
      order: {
        symbol: order.symbol,
        side: order.side,
        type: order.type,
        amount: Decimal.from(order.amount).sub(order.filled),
        price: limit,
        stopPrice: order.type === 'trailing-stop' ? null : stop,
        refPrice: ref,
        reduceOnly: order.reduceOnly,
      },
      rules,
      mark: quoteValue === null ? null : link.mark(order.symbol),
      positionAmount: position ? Decimal.from(position.amount) : Decimal.ZERO,
      otherExposure: inQuote(exposureExcept(order.symbol, state.positions.values(), link)),
      openOrders: state.open.size,
      dayPnl: inQuote(dayPnlUsdt),
      freeBase: account ? balanceOf(account.balances, rules.base) : Decimal.ZERO,
      freeQuote: account ? balanceOf(account.balances, rules.quote) : Decimal.ZERO,
      halt: halted,
    },
    limits,
  );
}

/** Closing what is held is always allowed, also while halted: it only reduces risk. */
function allowedWhileHalted(order: OrderRecord): boolean {
  return order.reduceOnly && (order.source === 'close' || order.source === 'flatten');
}

/** The first check that stops the order, if any. */
export function decisionFails(decision: RiskDecision, order: OrderRecord): RiskCheck | null {
  for (const c of decision.checks)
    if (!c.passed && !(c.rule === 'halted' && allowedWhileHalted(order))) return c;
  return null;
}

/** Audits a refusal by the gate, then refuses the call with every check for the page to show. */
export async function refuse(
  ctx: TradingContext,
  order: Pick<OrderRecord, 'id' | 'symbol'>,
  failed: RiskCheck,
  checks: RiskCheck[],
  auditMessage = failed.message,
): Promise<never> {
  await ctx.write({
    audit: [ctx.entry('order-rejected', order, failed.rule, auditMessage, detailsOf(failed))],
  });
  fail('rejected', failed.message, { rule: failed.rule, checks });
}

/** Audits an order the factory could not build, then refuses the call with the errors per field. */
export async function refuseInvalid(
  ctx: TradingContext,
  order: Pick<OrderRecord, 'id' | 'symbol'>,
  message: string,
  fieldErrors: FieldErrors,
): Promise<never> {
  await ctx.write({ audit: [ctx.entry('order-rejected', order, 'validation', message)] });
  fail('invalid-order', message, { fieldErrors });
}

/** A check's details as the audit log stores them: numbers, booleans and null as they are, the rest as text. */
export function detailsOf(check: RiskCheck): AuditEntry['details'] {
  const out: AuditEntry['details'] = {};
  for (const [k, v] of Object.entries(check.details ?? {}))
    out[k] = typeof v === 'number' || typeof v === 'boolean' || v === null ? v : String(v);
  return out;
}
