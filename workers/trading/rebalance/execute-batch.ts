import type { OrderPreview, OrderRequest } from '../api.js';
import type {
  BatchLegResult,
  BatchMode,
  BatchResult,
  RebalanceLeg,
  RebalancePlan,
} from '../portfolio/api.js';
import { Decimal } from '../../money/decimal.js';
import { formatValue } from '../risk/format.js';
import { messageOf, verdictOf, type Verdict } from './gate-verdict.js';

/**
 * Sends a rebalance plan's legs as one batch, each through the risk gate first. Sells go first and are
 * waited for, because the buys are paid with their proceeds; then each buy is previewed again and sent.
 *
 * `all-or-nothing` previews every leg before anything is sent and sends nothing if one fails a check
 * the sells cannot fix; if a buy is still refused after the sells went, the remaining buys stop and the
 * result says the sells already went. `proceed` sends every leg that passes and reports the others.
 *
 * Each leg is placed under its own id as the client order id, so sending the same plan again after an
 * interruption never sends a leg twice: the trading engine ignores an id it has seen.
 */

export interface BatchGate {
  preview(order: OrderRequest): Promise<OrderPreview>;
  place(order: OrderRequest, clientOrderId: string): Promise<{ id: string }>;
  /** The active account's free (not reserved) balance of an asset, decimal text. */
  free(asset: string): Promise<string>;
  /** Resolves when every listed order is terminal (filled, cancelled...), or after timeoutMs. */
  settle(orderIds: string[], timeoutMs: number): Promise<void>;
}

export interface BatchOptions {
  /** How long to wait for the sells to fill before the buys are judged. Default 60 s. */
  settleTimeoutMs?: number;
}

const clientIdPattern = /^[A-Za-z0-9_-]{6,40}$/;

export async function executeBatch(
  plan: RebalancePlan,
  mode: BatchMode,
  gate: BatchGate,
  options: BatchOptions = {},
): Promise<BatchResult> {
  const legs: RebalanceLeg[] = Array.isArray(plan?.legs) ? plan.legs : [];
  const results = legs.map(resultOf);
  const set = (i: number, status: BatchLegResult['status'], reason: string | null) => {
    results[i] = { ...results[i]!, status, reason };
  };
  const unsentAll = (reason: string) => {
    for (let i = 0; i < legs.length; i++) set(i, 'not-sent', reason);
    return { mode, legs: results };
  };
  if (mode !== 'all-or-nothing' && mode !== 'proceed')
    return unsentAll('Choose whether the batch is all-or-nothing or proceeds past refused legs.');
  if (plan?.ok !== true) return unsentAll(plan?.error ?? 'The plan is not valid: plan the rebalance again.');

  const malformed = legs.map(malformation);
  const sells = indexesOf(legs, 'sell', malformed);
  const buys = indexesOf(legs, 'buy', malformed);
  const sentSells: number[] = [];
  const placedIds: string[] = [];
  let stopped: string | null = null;

  const previews: (OrderPreview | null)[] = legs.map(() => null);
  const preview = async (i: number, sellsPending: boolean): Promise<Verdict> => {
    const bad = malformed[i];
    if (bad) return { kind: 'fail', message: bad };
    try {
      const p = await gate.preview(legs[i]!.order);
      previews[i] = p;
      return verdictOf(p, sellsPending);
    } catch (e) {
      return { kind: 'fail', message: messageOf(e) };
    }
  };

  if (mode === 'all-or-nothing') {
    const refused: number[] = [];
    for (let i = 0; i < legs.length; i++) {
      const v = await preview(i, sells.length > 0 && legs[i]?.order?.side === 'buy');
      if (v.kind === 'fail') {
        set(i, 'rejected', v.message);
        refused.push(i);
      }
    }
    if (refused.length > 0) {
      const others = refused.length > 1 ? ` and ${refused.length - 1} other leg(s) were` : ' was';
      const why = `Not sent: the batch is all-or-nothing and ${describe(results[refused[0]!]!)}${others} refused.`;
      for (let i = 0; i < legs.length; i++) if (!refused.includes(i)) set(i, 'not-sent', why);
      return { mode, legs: results };
    }
    // The gate lets a buy through before the sells only because their proceeds will pay for it; that
    // holds only if the free cash and the proceeds cover every buy, which is checked before anything goes.
    const short = await shortfall(legs, sells, buys, previews, gate);
    if (short !== null) return unsentAll(short);
  } else for (let i = 0; i < legs.length; i++) if (malformed[i]) set(i, 'rejected', malformed[i]!);

  // The sells. In all-or-nothing mode they were previewed above; the place itself runs the gate again.
  for (const i of sells) {
    if (stopped !== null) {
      set(i, 'not-sent', stopped);
      continue;
    }
    if (mode === 'proceed') {
      const v = await preview(i, false);
      if (v.kind !== 'pass') {
        set(i, 'rejected', v.message);
        continue;
      }
    }
    const placed = await place(gate, legs[i]!);
    if (placed.ok) {
      set(i, 'sent', null);
      sentSells.push(i);
      placedIds.push(placed.id);
    } else {
      set(i, 'rejected', placed.message);
      if (mode === 'all-or-nothing') stopped = stopReason(results, i, sentSells, [], 'was refused when sent');
    }
  }

  // Waiting only matters to buys that will still be judged.
  if (placedIds.length > 0 && buys.length > 0 && stopped === null) {
    try {
      await gate.settle(placedIds, options.settleTimeoutMs ?? 60_000);
    } catch {
      // Not knowing whether the sells filled is no reason to guess: each buy's preview checks the funds.
    }
  }

  const sentBuys: number[] = [];
  for (const i of buys) {
    if (stopped !== null) {
      set(i, 'not-sent', stopped);
      continue;
    }
    const v = await preview(i, false);
    const placed =
      v.kind === 'pass' ? await place(gate, legs[i]!) : { ok: false as const, message: v.message };
    if (placed.ok) {
      set(i, 'sent', null);
      sentBuys.push(i);
      continue;
    }
    if (mode === 'proceed') {
      set(i, 'rejected', placed.message);
      continue;
    }
    const already = alreadySent(results, sentSells, sentBuys);
    set(i, 'rejected', already ? `${placed.message} ${already}` : placed.message);
    stopped = stopReason(results, i, sentSells, sentBuys, 'was refused after the sells');
  }
  return { mode, legs: results };
}

/** The quote a leg's symbol settles in: "BTC/USDT" and "BTC/USDT:USDT" both in USDT. */
function quoteOf(symbol: string): string {
  return symbol.split('/')[1]?.split(':')[0] ?? '';
}

/** A leg's value and fee in its quote: the gate's estimate when it gave one, else the plan's. */
function valueOf(leg: RebalanceLeg, p: OrderPreview | null): { value: Decimal; fee: Decimal } {
  const cost = Decimal.tryFrom(p?.estimate?.cost ?? null);
  const fee = Decimal.tryFrom(p?.estimate?.fee ?? null);
  if (cost !== null && fee !== null && cost.isPositive()) return { value: cost, fee: fee.abs() };
  const num = (x: unknown) =>
    typeof x === 'number' && Number.isFinite(x) && x >= 0 ? Decimal.from(x) : Decimal.ZERO;
  return { value: num(leg.notional), fee: num(leg.estFee) };
}

/**
 * Why the buys cannot be paid (per quote: their cost and fees against the free balance plus the sells'
 * proceeds after fees), or null when they can.
 */
async function shortfall(
  legs: RebalanceLeg[],
  sells: number[],
  buys: number[],
  previews: (OrderPreview | null)[],
  gate: BatchGate,
): Promise<string | null> {
  const need = new Map<string, Decimal>();
  const proceeds = new Map<string, Decimal>();
  const add = (m: Map<string, Decimal>, k: string, d: Decimal) => m.set(k, (m.get(k) ?? Decimal.ZERO).add(d));
  for (const i of buys) {
    const v = valueOf(legs[i]!, previews[i] ?? null);
    add(need, quoteOf(legs[i]!.order.symbol), v.value.add(v.fee));
  }
  for (const i of sells) {
    const v = valueOf(legs[i]!, previews[i] ?? null);
    add(proceeds, quoteOf(legs[i]!.order.symbol), v.value.sub(v.fee));
  }
  for (const [quote, cost] of need) {
    let free: Decimal | null;
    try {
      free = Decimal.tryFrom(await gate.free(quote));
    } catch {
      free = null;
    }
    if (free === null)
      return `Not sent: the free ${quote} balance could not be read, so the all-or-nothing batch cannot tell whether its buys can be paid.`;
    const fromSells = proceeds.get(quote) ?? Decimal.ZERO;
    if (cost.gt(free.add(fromSells)))
      return `Not sent: the buys need about ${formatValue(cost, 'ceil')} ${quote} with fees, but only ${formatValue(free, 'floor')} ${quote} is free and the sells bring about ${formatValue(fromSells, 'floor')} ${quote} after fees. Funds held by open orders do not count: cancel them, or plan again.`;
  }
  return null;
}

function resultOf(leg: RebalanceLeg): BatchLegResult {
  const order: Partial<OrderRequest> = leg && typeof leg.order === 'object' && leg.order ? leg.order : {};
  return {
    id: typeof leg?.id === 'string' ? leg.id : '',
    symbol: typeof order.symbol === 'string' ? order.symbol : '',
    side: order.side === 'sell' ? 'sell' : 'buy',
    amount: typeof order.amount === 'string' ? order.amount : '',
    status: 'not-sent',
    reason: null,
  };
}

/** Why a leg cannot be sent as it is, or null. The plan crosses from the page, so it is checked here. */
function malformation(leg: RebalanceLeg, index: number, legs: RebalanceLeg[]): string | null {
  if (!leg || typeof leg !== 'object' || !leg.order || typeof leg.order !== 'object')
    return 'This leg has no order: plan the rebalance again.';
  if (typeof leg.id !== 'string' || !clientIdPattern.test(leg.id))
    return 'This leg has no valid order id: plan the rebalance again.';
  if (leg.order.side !== 'buy' && leg.order.side !== 'sell')
    return 'This leg is neither a buy nor a sell: plan the rebalance again.';
  if (legs.findIndex((l) => l?.id === leg.id) !== index)
    return `Another leg has the same id ${leg.id}, so only one of them could ever be sent: plan the rebalance again.`;
  return null;
}

function indexesOf(legs: RebalanceLeg[], side: 'buy' | 'sell', malformed: (string | null)[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < legs.length; i++) if (!malformed[i] && legs[i]!.order.side === side) out.push(i);
  return out;
}

async function place(
  gate: BatchGate,
  leg: RebalanceLeg,
): Promise<{ ok: true; id: string } | { ok: false; message: string }> {
  try {
    const placed = await gate.place(leg.order, leg.id);
    return { ok: true, id: typeof placed?.id === 'string' && placed.id !== '' ? placed.id : leg.id };
  } catch (e) {
    return { ok: false, message: messageOf(e) };
  }
}

/** Legs are named from their results, which are readable even when the page sent a malformed leg. */
function describe(leg: BatchLegResult): string {
  return `the ${leg.symbol || 'unnamed'} ${leg.side} of ${leg.amount || 'no amount'}`;
}

/** Says plainly what went before a stop: those orders are on the market and nothing undoes them. */
function alreadySent(results: BatchLegResult[], sells: number[], buys: number[]): string | null {
  const list = (ix: number[]) => ix.map((i) => describe(results[i]!).replace(/^the /, '')).join(', ');
  const parts: string[] = [];
  if (sells.length > 0) parts.push(`The sells already went (${list(sells)}) and are not undone.`);
  if (buys.length > 0) parts.push(`These buys already went too: ${list(buys)}.`);
  return parts.length > 0 ? parts.join(' ') : null;
}

function stopReason(
  results: BatchLegResult[],
  failed: number,
  sells: number[],
  buys: number[],
  how: string,
): string {
  const head = `Not sent: ${describe(results[failed]!)} ${how}, so the rest of the all-or-nothing batch stopped.`;
  const already = alreadySent(results, sells, buys);
  return already ? `${head} ${already}` : head;
}
