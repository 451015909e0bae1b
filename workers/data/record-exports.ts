import type { Table } from 'dexie';
import type { LyraDb } from '../store/db.js';
import type { ClosedTrade, FillRecord, OrderRecord } from '../trading/types.js';
import type { DataExportFile, DataExportKind, DataExportRequest } from './api.js';
import { toCsv, isoTime, type CsvColumn } from './csv-text.js';
import { dataFailure, datedFileName } from './database-format.js';

/** A fill with where it came from: Lyra's own trading, or a trade-history file imported into Lyra. */
export interface SourcedFill extends FillRecord {
  source: 'own' | 'imported';
  importId: string | null;
}

export interface EquityPoint {
  accountId: string;
  time: number;
  /** In the account's valuation currency; null where no value could be computed. */
  equity: number | null;
}

const kinds: readonly DataExportKind[] = ['closedTrades', 'orders', 'fills', 'equity'];

const stems: Record<DataExportKind, string> = {
  closedTrades: 'lyra-closed-trades',
  orders: 'lyra-orders',
  fills: 'lyra-fills',
  equity: 'lyra-equity',
};

const closedTradeColumns: CsvColumn<ClosedTrade>[] = [
  { name: 'id', cell: (r) => r.id },
  { name: 'accountId', cell: (r) => r.accountId },
  { name: 'symbol', cell: (r) => r.symbol },
  { name: 'time', cell: (r) => isoTime(r.time) },
  { name: 'amount', cell: (r) => r.amount },
  { name: 'entry', cell: (r) => r.entry },
  { name: 'exit', cell: (r) => r.exit },
  { name: 'pnl', cell: (r) => r.pnl },
];

const orderColumns: CsvColumn<OrderRecord>[] = [
  { name: 'id', cell: (r) => r.id },
  { name: 'accountId', cell: (r) => r.accountId },
  { name: 'exchange', cell: (r) => r.exchange },
  { name: 'symbol', cell: (r) => r.symbol },
  { name: 'side', cell: (r) => r.side },
  { name: 'type', cell: (r) => r.type },
  { name: 'status', cell: (r) => r.status },
  { name: 'amount', cell: (r) => r.amount },
  { name: 'price', cell: (r) => r.price },
  { name: 'stopPrice', cell: (r) => r.stopPrice },
  { name: 'filled', cell: (r) => r.filled },
  { name: 'cost', cell: (r) => r.cost },
  { name: 'fee', cell: (r) => r.fee },
  { name: 'feeAsset', cell: (r) => r.feeAsset },
  { name: 'timeInForce', cell: (r) => r.tif },
  { name: 'postOnly', cell: (r) => r.postOnly },
  { name: 'reduceOnly', cell: (r) => r.reduceOnly },
  { name: 'source', cell: (r) => r.source },
  { name: 'createdAt', cell: (r) => isoTime(r.createdAt) },
  { name: 'updatedAt', cell: (r) => isoTime(r.updatedAt) },
  { name: 'reason', cell: (r) => r.reason },
];

const fillColumns: CsvColumn<SourcedFill>[] = [
  { name: 'id', cell: (r) => r.id },
  { name: 'source', cell: (r) => r.source },
  { name: 'importId', cell: (r) => r.importId },
  { name: 'orderId', cell: (r) => r.orderId },
  { name: 'accountId', cell: (r) => r.accountId },
  { name: 'symbol', cell: (r) => r.symbol },
  { name: 'time', cell: (r) => isoTime(r.time) },
  { name: 'side', cell: (r) => r.side },
  { name: 'price', cell: (r) => r.price },
  { name: 'amount', cell: (r) => r.amount },
  { name: 'quote', cell: (r) => r.quote },
  { name: 'fee', cell: (r) => r.fee },
  { name: 'feeAsset', cell: (r) => r.feeAsset },
  { name: 'liquidity', cell: (r) => r.liquidity },
];

const equityColumns: CsvColumn<EquityPoint>[] = [
  { name: 'accountId', cell: (r) => r.accountId },
  { name: 'time', cell: (r) => isoTime(r.time) },
  { name: 'equity', cell: (r) => r.equity },
];

/**
 * One kind of record as a JSON or CSV file, filtered by account and time. Money is written exactly as
 * stored (decimal strings); times are epoch ms in JSON and ISO 8601 UTC in CSV.
 */
export async function exportRecords(db: LyraDb, request: DataExportRequest, now: number): Promise<DataExportFile> {
  const { kind, format } = checkRequest(request);
  const inRange = (t: number) => (request.from === null || t >= request.from) && (request.to === null || t <= request.to);
  const byTime = <T>(time: (r: T) => number) => (a: T, b: T) => time(a) - time(b);
  let rows: unknown[];
  let csv: () => string;
  if (kind === 'closedTrades') {
    const all = await byAccount(db.closedTrades, request.accountId);
    const list = all.filter((r) => inRange(r.time)).sort(byTime((r) => r.time));
    rows = list;
    csv = () => toCsv(closedTradeColumns, list);
  } else if (kind === 'orders') {
    const all = await byAccount(db.orders, request.accountId);
    const list = all.filter((r) => inRange(r.createdAt)).sort(byTime((r) => r.createdAt));
    rows = list;
    csv = () => toCsv(orderColumns, list);
  } else if (kind === 'fills') {
    const list = (await sourcedFills(db, request.accountId)).filter((r) => inRange(r.time)).sort(byTime((r) => r.time));
    rows = list;
    csv = () => toCsv(fillColumns, list);
  } else {
    const list = (await equityPoints(db, request.accountId)).filter((r) => inRange(r.time));
    rows = list;
    csv = () => toCsv(equityColumns, list);
  }
  const fileName = datedFileName(stems[kind], now, format);
  if (format === 'csv') return { fileName, mimeType: 'text/csv', text: csv(), rows: rows.length };
  const filter = { accountId: request.accountId, from: request.from, to: request.to };
  const text = JSON.stringify({ kind, exportedAt: now, filter, rows }, null, 1) + '\n';
  return { fileName, mimeType: 'application/json', text, rows: rows.length };
}

function checkRequest(request: DataExportRequest): DataExportRequest {
  if (!kinds.includes(request.kind))
    throw dataFailure('data-bad-request', `There is no "${String(request.kind)}" export: choose ${kinds.join(', ')}.`);
  if (request.format !== 'json' && request.format !== 'csv')
    throw dataFailure('data-bad-request', `Exports are JSON or CSV, not "${String(request.format)}".`);
  for (const bound of [request.from, request.to])
    if (bound !== null && !Number.isFinite(bound))
      throw dataFailure('data-bad-request', 'A date of the range is not a valid date: fix it or clear it.');
  if (request.from !== null && request.to !== null && request.from > request.to)
    throw dataFailure('data-bad-request', 'The range starts after it ends: swap the two dates.');
  return request;
}

function byAccount<T, K>(table: Table<T, K>, accountId: string | null): Promise<T[]> {
  return accountId === null ? table.toArray() : table.where('accountId').equals(accountId).toArray();
}

async function sourcedFills(db: LyraDb, accountId: string | null): Promise<SourcedFill[]> {
  const [own, imported] = await db.transaction('r', db.fills, db.importedFills, () =>
    Promise.all([byAccount(db.fills, accountId), byAccount(db.importedFills, accountId)]),
  );
  return [
    ...own.map((f) => ({ ...f, source: 'own' as const, importId: null })),
    ...imported.map((f) => ({ ...f, source: 'imported' as const, importId: f.importId })),
  ];
}

/** The equity column chunks as one point per row, oldest first per account. */
async function equityPoints(db: LyraDb, accountId: string | null): Promise<EquityPoint[]> {
  const blocks = await byAccount(db.equityBlocks, accountId);
  blocks.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.start - b.start);
  const out: EquityPoint[] = [];
  for (const b of blocks)
    for (let i = 0; i < b.time.length; i++) {
      const equity = b.equity[i] as number;
      out.push({ accountId: b.accountId, time: b.time[i] as number, equity: Number.isFinite(equity) ? equity : null });
    }
  return out;
}
