import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobProgress } from '../research/api.js';
import { createAuditApi } from './handlers.js';
import { AUDIT_CSV_COLUMNS } from './audit-csv.js';
import { closeAll, freshDb, writeLog } from './test-support.js';

afterEach(closeAll);

/** Splits RFC 4180 text into rows of cells (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') {
      quoted = false;
    } else if (quoted) {
      cell += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  return rows;
}

describe('the audit API', () => {
  it('verifies with progress through the handler, and says intact', async () => {
    const db = freshDb();
    await writeLog(db, [5, 5]);
    const api = createAuditApi({ db });
    const seen: JobProgress[] = [];
    const r = await api.verify('job-1', (p) => seen.push(p));
    expect(r).toMatchObject({ intact: true, checked: 10, head: { count: 10 } });
    expect(seen.at(-1)).toMatchObject({ done: 10, total: 10 });
  });

  it('cancels a running check by its job id, rejecting with cancelled as data', async () => {
    const db = freshDb();
    await writeLog(db, [10]);
    const api = createAuditApi({ db });
    const run = api.verify('job-2', () => void api.cancel('job-2'));
    await expect(run).rejects.toMatchObject({ code: 'cancelled', retryable: false });
    // The id is free again.
    expect((await api.verify('job-2')).intact).toBe(true);
  });

  it('lists entries newest first by the screen filters or by a stretch of sequence numbers', async () => {
    const db = freshDb();
    const log = await writeLog(db, [4, 4, 4]);
    const api = createAuditApi({ db });
    const seqs = (xs: Array<{ seq?: number }>) => xs.map((e) => e.seq);
    expect(seqs(await api.entries({}))).toEqual(seqs(log).reverse());
    expect(seqs(await api.entries({ fromSeq: log[3]!.seq, toSeq: log[5]!.seq }))).toEqual(
      seqs(log.slice(3, 6)).reverse(),
    );
    expect(
      seqs(await api.entries({ fromSeq: log[3]!.seq, toSeq: log[9]!.seq, kind: 'order-filled' })),
    ).toEqual(seqs(log.slice(3, 10).filter((e) => e.kind === 'order-filled')).reverse());
    expect(seqs(await api.entries({ symbol: 'ETH/USDT', limit: 2 }))).toEqual(
      seqs(log.filter((e) => e.symbol === 'ETH/USDT').slice(-2)).reverse(),
    );
    await expect(api.entries({ fromSeq: Number.NaN })).rejects.toMatchObject({ code: 'bad-audit-query' });
  });

  it('exports every matching entry as CSV, oldest first, with all fields and the hashes', async () => {
    const db = freshDb();
    const log = await writeLog(db, [3, 3]);
    await db.audit.put({ ...log[0]!, message: 'a "quoted", multi\nline message' });
    const api = createAuditApi({ db });
    const rows = parseCsv(await api.exportCsv({ limit: 1 }));
    expect(rows[0]).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(rows.slice(1).map((r) => Number(r[0]))).toEqual(log.map((e) => e.seq));
    const first = Object.fromEntries(AUDIT_CSV_COLUMNS.map((c, i) => [c, rows[1]![i]]));
    expect(first).toEqual({
      seq: String(log[0]!.seq),
      time: new Date(log[0]!.time).toISOString(),
      time_ms: String(log[0]!.time),
      kind: log[0]!.kind,
      account_id: 'paper:binance',
      order_id: log[0]!.orderId,
      symbol: log[0]!.symbol,
      rule: '',
      message: 'a "quoted", multi\nline message',
      details: JSON.stringify(log[0]!.details),
      prev_hash: log[0]!.prevHash,
      hash: log[0]!.hash,
    });

    const filled = parseCsv(await api.exportCsv({ kind: 'order-filled', orderId: 'o4' }));
    expect(filled.slice(1).map((r) => Number(r[0]))).toEqual(
      log.filter((e) => e.kind === 'order-filled' && e.orderId === 'o4').map((e) => e.seq),
    );
    expect(
      parseCsv(await api.exportCsv({ since: log[4]!.time }))
        .slice(1)
        .map((r) => Number(r[0])),
    ).toEqual(log.slice(4).map((e) => e.seq));
  });
});
