import { Decimal } from '../../money/decimal.js';
import type { FillRecord, OrderRecord, OrderStatus, Side } from '../types.js';
import type { TwinRecord } from './twin-record.js';

/** One side of the comparison: what the exchange did, or what paper would have done. */
export interface LegSummary {
  filled: string;
  /** Average fill price, exact to 12 decimals; null when nothing filled. */
  avgPrice: string | null;
  /** Fees in the quote currency; null when a fee was paid in a third asset (no price for it here). */
  fee: string | null;
  /** Average price against the arrival mid in basis points; positive is worse for the trader. */
  slippageBps: number | null;
  /** From the moment the order went out. */
  firstFillMs: number | null;
  /** Until the whole amount had filled; null while it has not. */
  completeMs: number | null;
}

export interface DivergenceRow {
  orderId: string;
  symbol: string;
  side: Side;
  amount: string;
  quote: string;
  /** The live order's status; null when the order is no longer at hand. */
  status: OrderStatus | null;
  twinStatus: TwinRecord['status'];
  startedAt: number;
  arrivalMid: string | null;
  live: LegSummary;
  paper: LegSummary;
  /** Live slippage minus paper slippage, bps: positive means live filled worse than paper. */
  slippageDiffBps: number | null;
  /** Live fee minus paper fee, quote currency; null when a live fee was paid in a third asset. */
  feeDiff: string | null;
}

export interface FeeTotal {
  asset: string;
  live: string;
  paper: string;
  /** live − paper */
  diff: string;
}

export interface DivergenceReport {
  rows: DivergenceRow[];
  aggregate: {
    orders: number;
    /** Orders where both filled something and the arrival mid is known: the ones slippage compares. */
    compared: number;
    /** Volume-weighted mean of live − paper slippage, bps; null when nothing compares. */
    slippageDiffBps: number | null;
    /** Per quote currency: fees of every order with a fee in that currency. */
    fees: FeeTotal[];
    /** Paper filled something and live did not (orders the exchange refused are not counted). */
    paperOnly: number;
    /** Live filled something and paper did not. */
    liveOnly: number;
  };
}

const priceDecimals = 12;
const bpsDecimals = 12;

/**
 * Live fills against their paper twins, per order and overall. Pure: the same records always give the
 * same report, and swapping what live and paper did turns every difference around.
 */
export function divergenceReport(
  orders: readonly OrderRecord[],
  fills: readonly FillRecord[],
  twins: readonly TwinRecord[],
): DivergenceReport {
  const byId = new Map(orders.map((o) => [o.id, o]));
  const fillsOf = new Map<string, FillRecord[]>();
  for (const f of fills) fillsOf.set(f.orderId, [...(fillsOf.get(f.orderId) ?? []), f]);

  const compared = twins.map((twin) =>
    rowOf(twin, byId.get(twin.orderId) ?? null, fillsOf.get(twin.orderId) ?? []),
  );
  return { rows: compared.map((c) => c.row), aggregate: aggregateOf(compared) };
}

interface Compared {
  row: DivergenceRow;
  /** The exact slippage difference, for the aggregate: the row carries it rounded to a number. */
  slippageDiff: Decimal | null;
}

function rowOf(twin: TwinRecord, order: OrderRecord | null, fills: readonly FillRecord[]): Compared {
  const { base, quote } = assetsOf(twin.symbol);
  const mid = twin.arrivalMid === null ? null : Decimal.from(twin.arrivalMid);
  const amount = Decimal.from(twin.amount);

  let liveFilled = Decimal.ZERO;
  let liveCost = Decimal.ZERO;
  let liveFee: Decimal | null = Decimal.ZERO;
  let first: number | null = null;
  let last: number | null = null;
  for (const f of fills) {
    const price = Decimal.from(f.price);
    liveFilled = liveFilled.add(f.amount);
    liveCost = liveCost.add(price.mul(f.amount));
    // A fee taken in the base asset is worth its amount at the fill's own price.
    const fee =
      f.feeAsset === quote
        ? Decimal.from(f.fee)
        : f.feeAsset === base
          ? Decimal.from(f.fee).mul(price)
          : null;
    liveFee = liveFee && fee ? liveFee.add(fee) : Decimal.from(f.fee).isZero() ? liveFee : null;
    first = first === null ? f.time : Math.min(first, f.time);
    last = last === null ? f.time : Math.max(last, f.time);
  }
  const live = legOf(twin, mid, amount, liveFilled, liveCost, liveFee, first, last);
  const paper = legOf(
    twin,
    mid,
    amount,
    Decimal.from(twin.paperFilled),
    Decimal.from(twin.paperCost),
    Decimal.from(twin.paperFee),
    twin.paperFirstFillAt,
    twin.paperLastFillAt,
  );
  const slippageDiff =
    live.slippage !== null && paper.slippage !== null ? live.slippage.sub(paper.slippage) : null;
  const row: DivergenceRow = {
    orderId: twin.orderId,
    symbol: twin.symbol,
    side: twin.side,
    amount: twin.amount,
    quote,
    status: order?.status ?? null,
    twinStatus: twin.status,
    startedAt: twin.startedAt,
    arrivalMid: twin.arrivalMid,
    live: live.summary,
    paper: paper.summary,
    slippageDiffBps: slippageDiff?.toNumber() ?? null,
    feeDiff: liveFee === null ? null : liveFee.sub(twin.paperFee).toString(),
  };
  return { row, slippageDiff };
}

function legOf(
  twin: TwinRecord,
  mid: Decimal | null,
  amount: Decimal,
  filled: Decimal,
  cost: Decimal,
  fee: Decimal | null,
  first: number | null,
  last: number | null,
): { summary: LegSummary; slippage: Decimal | null } {
  const avg = filled.isPositive() ? cost.div(filled, priceDecimals, 'half-even') : null;
  const slippage = avg && mid?.isPositive() ? slippageOf(twin.side, cost, filled, mid) : null;
  return {
    summary: {
      filled: filled.toString(),
      avgPrice: avg?.toString() ?? null,
      fee: fee?.toString() ?? null,
      slippageBps: slippage?.toNumber() ?? null,
      firstFillMs: first === null ? null : first - twin.startedAt,
      completeMs: last !== null && filled.gte(amount) ? last - twin.startedAt : null,
    },
    slippage,
  };
}

/**
 * (avg − mid) / mid in bps for a buy, (mid − avg) / mid for a sell: positive costs the trader. Computed
 * from the exact cost rather than the rounded average, so equal fills give exactly equal slippage.
 */
function slippageOf(side: Side, cost: Decimal, filled: Decimal, mid: Decimal): Decimal {
  const worse = side === 'buy' ? cost.sub(mid.mul(filled)) : mid.mul(filled).sub(cost);
  return worse.mul(10_000).div(mid.mul(filled), bpsDecimals, 'half-even');
}

function aggregateOf(all: readonly Compared[]): DivergenceReport['aggregate'] {
  let weighted = Decimal.ZERO;
  let weights = Decimal.ZERO;
  let compared = 0;
  let paperOnly = 0;
  let liveOnly = 0;
  const fees = new Map<string, { live: Decimal; paper: Decimal }>();
  for (const { row: r, slippageDiff } of all) {
    const liveFilled = Decimal.from(r.live.filled);
    const paperFilled = Decimal.from(r.paper.filled);
    // An order the exchange refused never had a chance to fill: that is not paper being optimistic.
    if (paperFilled.isPositive() && !liveFilled.isPositive() && r.status !== 'rejected') paperOnly++;
    if (liveFilled.isPositive() && !paperFilled.isPositive()) liveOnly++;
    if (slippageDiff !== null && r.arrivalMid !== null) {
      // Weighted by the notional both sides filled: the same weight whichever side is called live.
      const w = Decimal.min(liveFilled, paperFilled).mul(r.arrivalMid);
      weighted = weighted.add(w.mul(slippageDiff));
      weights = weights.add(w);
      compared++;
    }
    if (r.feeDiff !== null) {
      const t = fees.get(r.quote) ?? { live: Decimal.ZERO, paper: Decimal.ZERO };
      fees.set(r.quote, { live: t.live.add(r.live.fee ?? '0'), paper: t.paper.add(r.paper.fee ?? '0') });
    }
  }
  return {
    orders: all.length,
    compared,
    slippageDiffBps: weights.isPositive() ? weighted.div(weights, bpsDecimals, 'half-even').toNumber() : null,
    fees: [...fees].map(([asset, t]) => ({
      asset,
      live: t.live.toString(),
      paper: t.paper.toString(),
      diff: t.live.sub(t.paper).toString(),
    })),
    paperOnly,
    liveOnly,
  };
}

/** "ETH/USDT" and "BTC/USDT:USDT" (a settle suffix) both quote in USDT. */
function assetsOf(symbol: string): { base: string; quote: string } {
  const [base = symbol, rest = ''] = symbol.split('/');
  return { base, quote: rest.split(':')[0] ?? rest };
}
