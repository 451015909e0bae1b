import { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import type { DriftRow, RebalanceLeg, RebalancePlan } from '../portfolio/api.js';
import { formatDecimal } from '../risk/format.js';
import { fundBuys, type Candidate } from './fund-buys.js';
import { sizeLeg } from './leg-sizing.js';
import { parseTargets, type ParsedTarget } from './parse-targets.js';
import { priceHoldings, type HoldingInput, type PricedAsset } from './priced-holdings.js';

/**
 * The orders that bring an account back to its target weights. Only assets whose drift is outside the
 * tolerance band trade, and they trade back to the target itself rather than to the band's edge: a
 * trade to the edge would leave the asset one tick away from triggering again.
 *
 * Sells come first, then buys; the buys are scaled down together when their cost and fees would exceed
 * the cash the account holds after the sells. Amounts are exact decimals snapped down to each market's
 * lot; a leg that breaks a market minimum is skipped with the reason.
 */

export interface RebalanceContext {
  accountId: string;
  /** The valuation and quote currency, e.g. 'USDT'; it counts as cash and may itself be a target. */
  quote: string;
  /**
   * The active account's free balances. A target asset not held yet needs a row with amount '0' and its
   * price. The quote currency is valued at 1 whatever price its row carries.
   */
  holdings: HoldingInput[];
  /**
   * Amounts held by open orders: not planned with (the risk gate lets orders spend free funds only),
   * listed in `skipped` so the user knows what to cancel to include them.
   */
  reserved?: { asset: string; amount: string }[];
  /** Tradable spot markets of the account's exchange. */
  markets: { symbol: string; base: string; quote: string; rules: MarketRules }[];
  /** Taker fee as a fraction, e.g. '0.001'; a market whose own taker rate is higher is charged that. */
  feeRate: string;
  /** Client order ids for the legs. */
  newId: () => string;
  /**
   * Fraction of extra cost a market buy may pay over the planning price (spread, slippage), e.g.
   * '0.002'; the buys are sized so they still fit the cash at that worse price. Default '0'.
   */
  slippage?: string;
}

const HUNDRED = Decimal.from(100);
const PERCENT = Decimal.from('0.01');

interface Row {
  key: string;
  asset: string;
  held: PricedAsset;
  target: ParsedTarget | null;
  weight: Decimal;
  current: Decimal;
}

export function planRebalance(input: unknown, ctx: RebalanceContext): RebalancePlan {
  const refuse = (error: string): RebalancePlan => ({
    ok: false,
    error,
    accountId: ctx.accountId,
    rows: [],
    legs: [],
    skipped: [],
    previews: [],
    total: 0,
  });
  const parsed = parseTargets(input);
  if (!parsed.ok) return refuse(parsed.error);
  const { targets, tolerance } = parsed;
  const feeRate = Decimal.tryFrom(ctx.feeRate);
  if (feeRate === null || feeRate.isNegative() || feeRate.gte(Decimal.ONE))
    return refuse(`The fee rate "${String(ctx.feeRate).slice(0, 24)}" is not a fraction between 0 and 1.`);
  const slippage = Decimal.tryFrom(ctx.slippage ?? '0');
  if (slippage === null || slippage.isNegative() || slippage.gte(Decimal.ONE))
    return refuse(`The slippage allowance "${String(ctx.slippage).slice(0, 24)}" is not a fraction below 1.`);
  const quote = typeof ctx.quote === 'string' ? ctx.quote.trim() : '';
  if (quote === '') return refuse('Choose the quote currency the portfolio is valued in.');
  const quoteKey = quote.toUpperCase();

  const book = priceHoldings(ctx.holdings, quote);
  if (!book.ok) return refuse(book.error);
  const { priced, unpriced, total } = book;
  if (!priced.has(quoteKey))
    priced.set(quoteKey, { asset: quote, amount: Decimal.ZERO, price: Decimal.ONE, value: Decimal.ZERO });

  const noPrice = targets.filter((t) => !priced.has(t.asset.toUpperCase())).map((t) => t.asset);
  if (noPrice.length > 0)
    return refuse(
      `No price for ${noPrice.join(', ')}: connect to the market once or remove ${noPrice.length === 1 ? 'it' : 'them'} from the targets.`,
    );
  if (!total.isPositive())
    return refuse(`Nothing to rebalance: the account holds nothing with a known price in ${quote}.`);

  const rows = rowsOf(targets, priced, total);
  const skipped: RebalancePlan['skipped'] = [];
  for (const { asset } of unpriced.values())
    skipped.push({
      asset,
      reason: `No price for ${asset}: it is left out of the total and not traded; connect to its market once to include it.`,
    });

  for (const r of ctx.reserved ?? [])
    skipped.push({
      asset: r.asset,
      reason: `${r.amount} ${r.asset} is held by open orders; cancel them to include it.`,
    });

  const candidates: Candidate[] = [];
  for (const row of rows) {
    if (row.key === quoteKey || !isOutside(row, tolerance)) continue;
    const planned = candidateFor(row, total, tolerance, ctx, quote, feeRate);
    if ('reason' in planned) skipped.push({ asset: row.asset, reason: planned.reason });
    else candidates.push(planned);
  }

  const sells = candidates.filter((c) => c.side === 'sell').sort(byNotional);
  const buys = candidates.filter((c) => c.side === 'buy').sort(byNotional);
  let cash = priced.get(quoteKey)!.amount;
  for (const s of sells) cash = cash.add(s.amount.mul(s.price).mul(Decimal.ONE.sub(s.feeRate)));
  const funded = fundBuys(buys, cash, slippage, quote);
  skipped.push(...funded.skipped);

  const legs: RebalanceLeg[] = [...sells, ...funded.buys].map((c) => legOf(c, ctx.newId()));
  return {
    ok: true,
    error: null,
    accountId: ctx.accountId,
    rows: rows.map((r) => driftRow(r, tolerance)),
    legs,
    skipped,
    previews: [],
    total: total.toNumber(),
  };
}

/** Targets in the order entered, then the other holdings worth something (their target is 0 %). */
function rowsOf(targets: ParsedTarget[], priced: Map<string, PricedAsset>, total: Decimal): Row[] {
  const rows: Row[] = [];
  const current = (v: Decimal) => v.mul(HUNDRED).div(total, 12, 'half-even');
  const targeted = new Set<string>();
  for (const t of targets) {
    const key = t.asset.toUpperCase();
    targeted.add(key);
    const held = priced.get(key)!;
    // Spelled as the account spells it when held, so legs and rows match the balances.
    const asset = held.amount.isPositive() ? held.asset : t.asset;
    rows.push({ key, asset, held, target: t, weight: t.weight, current: current(held.value) });
  }
  const others = [...priced.entries()]
    .filter(([key, h]) => !targeted.has(key) && h.value.isPositive())
    .sort(([, a], [, b]) => b.value.cmp(a.value));
  for (const [key, held] of others)
    rows.push({
      key,
      asset: held.asset,
      held,
      target: null,
      weight: Decimal.ZERO,
      current: current(held.value),
    });
  return rows;
}

function isOutside(row: Row, tolerance: Decimal): boolean {
  return row.current.sub(row.weight).abs().gt(tolerance);
}

/** Weights and drift as fractions (0.25 is 25 %), like a holding's weight; the band is judged in percent. */
function driftRow(row: Row, tolerance: Decimal): DriftRow {
  return {
    asset: row.asset,
    currentWeight: row.current.mul(PERCENT).toNumber(),
    targetWeight: row.weight.mul(PERCENT).toNumber(),
    drift: row.current.sub(row.weight).mul(PERCENT).toNumber(),
    outside: isOutside(row, tolerance),
    value: row.held.value.toNumber(),
  };
}

function candidateFor(
  row: Row,
  total: Decimal,
  tolerance: Decimal,
  ctx: RebalanceContext,
  quote: string,
  baseFee: Decimal,
): Candidate | { reason: string } {
  const { held, asset } = row;
  const market = ctx.markets.find(
    (m) => m.base.toUpperCase() === row.key && m.quote.toUpperCase() === quote.toUpperCase(),
  );
  if (!market)
    return {
      reason: `No ${asset}/${quote} market on this exchange, so ${asset} cannot be traded back to its target here.`,
    };
  const targetValue = total.mul(row.weight).mul(PERCENT);
  const gap = targetValue.sub(held.value);
  const side = gap.isPositive() ? 'buy' : 'sell';
  const toTarget = gap.abs().div(held.price, 30, 'floor');
  const wanted =
    side === 'buy' ? toTarget : row.weight.isZero() ? held.amount : Decimal.min(toTarget, held.amount);
  const sized = sizeLeg(market.rules, side, wanted, held.price);
  if (!sized.ok) return { reason: sized.reason };
  // The gate's balance check charges the market's own taker rate, so the plan never assumes less.
  const feeRate = Decimal.max(baseFee, market.rules.taker);
  const now = formatDecimal(row.current, 2);
  const note =
    row.target === null
      ? `${asset} is not in the targets, so its target is 0 %: sell all of it (${now} % now).`
      : row.weight.isZero()
        ? `Target 0 %: sell all of it (${now} % now).`
        : `Back to the ${row.weight} % target, not just inside the ±${tolerance} point band: ${now} % now.`;
  return {
    asset,
    side,
    symbol: market.symbol,
    rules: market.rules,
    amount: sized.amount,
    price: held.price,
    feeRate,
    note,
  };
}

function byNotional(a: Candidate, b: Candidate): number {
  return b.amount.mul(b.price).cmp(a.amount.mul(a.price));
}

function legOf(c: Candidate, id: string): RebalanceLeg {
  const notional = c.amount.mul(c.price);
  return {
    id,
    order: { symbol: c.symbol, side: c.side, type: 'market', amount: c.amount.toString() },
    notional: notional.toNumber(),
    estFee: notional.mul(c.feeRate).toNumber(),
    note: c.note,
  };
}
