import type { FillRecord, OrderRecord } from '../types.js';
import { divergenceReport, type DivergenceReport } from './divergence-report.js';
import type { TwinRecord } from './twin-record.js';

export interface KnownRecords {
  open: ReadonlyMap<string, OrderRecord>;
  history: readonly OrderRecord[];
  /** Recent fills the engine holds in memory. */
  fills: readonly FillRecord[];
}

export interface StoredRecords {
  order(id: string): Promise<OrderRecord | undefined>;
  fills(orderIds: readonly string[]): Promise<FillRecord[] | null>;
}

/** Gathers each twin's live order and every fill of it (from memory, else from storage) for the report. */
export async function collectDivergence(
  twins: readonly TwinRecord[],
  known: KnownRecords,
  stored: StoredRecords,
): Promise<DivergenceReport> {
  const orders = new Map<string, OrderRecord>();
  for (const o of known.open.values()) orders.set(o.id, o);
  for (const o of known.history) if (!orders.has(o.id)) orders.set(o.id, o);
  for (const t of twins)
    if (!orders.has(t.orderId)) {
      const o = await stored.order(t.orderId);
      if (o) orders.set(o.id, o);
    }
  const ids = twins.map((t) => t.orderId);
  const wanted = new Set(ids);
  const fills = (await stored.fills(ids)) ?? known.fills.filter((f) => wanted.has(f.orderId));
  return divergenceReport([...orders.values()], fills, twins);
}
