import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_HEAD_KEY } from './audit-chain.js';
import { verifyAuditLog } from './verify-log.js';
import { auditEntry, closeAll, freshDb, writeLog } from './test-support.js';
import type { JobProgress } from '../research/api.js';

afterEach(closeAll);

describe('verifyAuditLog', () => {
  it('calls an untouched log intact, with the entries checked and the chain head', async () => {
    const db = freshDb();
    const log = await writeLog(db, [3, 1, 4, 1, 5]);
    const r = await verifyAuditLog(db, { pageSize: 4, now: () => 42 });
    expect(r).toEqual({
      intact: true,
      checked: 14,
      head: { seq: log.at(-1)!.seq, hash: log.at(-1)!.hash, count: 14 },
      problems: [],
      problemCount: 0,
      checkedAt: 42,
    });
  });

  it('calls an empty log intact', async () => {
    expect(await verifyAuditLog(freshDb())).toMatchObject({
      intact: true,
      checked: 0,
      head: null,
      problems: [],
    });
  });

  it('names an altered entry by its sequence number, and nothing else', async () => {
    const db = freshDb();
    const log = await writeLog(db, [2, 3, 2]);
    const target = log[3]!;
    await db.audit.put({ ...target, message: 'rewritten' });
    const r = await verifyAuditLog(db, { pageSize: 2 });
    expect(r.intact).toBe(false);
    expect(r.problems).toEqual([
      {
        kind: 'altered',
        seq: target.seq,
        after: null,
        message: `Entry #${target.seq} was altered: its contents no longer match its hash.`,
      },
    ]);
  });

  it('sees a change in a detail, a number or a null field', async () => {
    const db = freshDb();
    const log = await writeLog(db, [4]);
    await db.audit.put({ ...log[0]!, details: { ...log[0]!.details, n: 1.0000001 } });
    await db.audit.put({ ...log[1]!, rule: 'max-notional' });
    await db.audit.put({ ...log[2]!, time: log[2]!.time + 1 });
    const r = await verifyAuditLog(db);
    expect(r.problems.map((p) => [p.kind, p.seq])).toEqual([
      ['altered', log[0]!.seq],
      ['altered', log[1]!.seq],
      ['altered', log[2]!.seq],
    ]);
  });

  it('finds a removed middle entry between its neighbours', async () => {
    const db = freshDb();
    const log = await writeLog(db, [5, 5]);
    await db.audit.delete(log[6]!.seq!);
    const r = await verifyAuditLog(db, { pageSize: 3 });
    expect(r.problems).toEqual([
      {
        kind: 'link-broken',
        seq: log[7]!.seq,
        after: log[5]!.seq,
        message: `Entries were removed or reordered between #${log[5]!.seq} and #${log[7]!.seq}: #${log[7]!.seq} does not link to #${log[5]!.seq}.`,
      },
    ]);
  });

  it('finds the first entry removed', async () => {
    const db = freshDb();
    const log = await writeLog(db, [3]);
    await db.audit.delete(log[0]!.seq!);
    const r = await verifyAuditLog(db);
    expect(r.problems.map((p) => [p.kind, p.seq, p.after])).toEqual([['link-broken', log[1]!.seq, null]]);
  });

  it('finds entries removed from the end through the head', async () => {
    const db = freshDb();
    const log = await writeLog(db, [4, 3]);
    await db.audit.bulkDelete([log[5]!.seq!, log[6]!.seq!]);
    const r = await verifyAuditLog(db);
    expect(r.problems).toEqual([
      {
        kind: 'tail-removed',
        seq: log[6]!.seq,
        after: log[4]!.seq,
        message: `Entries were removed from the end: the chain head records 7 entries ending at #${log[6]!.seq}, the log has 5 ending at #${log[4]!.seq}.`,
      },
    ]);
  });

  it('finds an emptied log through the head', async () => {
    const db = freshDb();
    await writeLog(db, [2]);
    await db.audit.clear();
    const r = await verifyAuditLog(db);
    expect(r.problems.map((p) => p.kind)).toEqual(['tail-removed']);
    expect(r.problems[0]!.message).toMatch(/records 2 entries .* the log has 0 ending at none/);
  });

  it('finds an unhashed entry inserted in the middle or added at the end', async () => {
    const db = freshDb();
    const log = await writeLog(db, [3]);
    await db.audit.put(auditEntry({ seq: log[0]!.seq! + 0.5, message: 'slipped in' }));
    const added = await db.audit.add(auditEntry({ message: 'added later' }));
    const r = await verifyAuditLog(db);
    expect(r.problems.map((p) => [p.kind, p.seq])).toEqual([
      ['unhashed', log[0]!.seq! + 0.5],
      ['unhashed', added],
    ]);
    expect(r.problems[0]!.message).toBe(
      `Entry #${log[0]!.seq! + 0.5} has no hash: it was put into the log outside the chain.`,
    );
  });

  it('finds a hashed entry added after the head, and a rewritten last entry', async () => {
    const db = freshDb();
    const log = await writeLog(db, [3]);
    const last = log[2]!;
    // A forger who recomputes the last entry's hash still leaves the head pointing at the old one.
    const { entryHash } = await import('./audit-chain.js');
    const forged = { ...last, message: 'forged' };
    await db.audit.put({ ...forged, hash: entryHash(last.prevHash!, forged) });
    await db.audit.add({ ...auditEntry({ message: 'appended' }), prevHash: last.hash, hash: 'a'.repeat(64) });
    const r = await verifyAuditLog(db);
    expect(r.problems.map((p) => [p.kind, p.seq])).toEqual([
      ['after-head', last.seq! + 1],
      ['altered', last.seq],
    ]);
    expect(r.problems[1]!.message).toBe(
      `Entry #${last.seq} was rewritten: its hash no longer matches the chain head.`,
    );
  });

  it('finds a reordered pair where the order breaks', async () => {
    const db = freshDb();
    const log = await writeLog(db, [6]);
    const [a, b] = [log[2]!, log[3]!];
    await db.audit.bulkPut([
      { ...b, seq: a.seq },
      { ...a, seq: b.seq },
    ]);
    const r = await verifyAuditLog(db);
    expect(r.intact).toBe(false);
    expect(r.problems[0]).toMatchObject({ kind: 'link-broken', seq: a.seq, after: log[1]!.seq });
  });

  it('reports a missing head, and a head whose count disagrees', async () => {
    const db = freshDb();
    await writeLog(db, [2]);
    const head = (await db.tradingState.get(AUDIT_HEAD_KEY))!;
    await db.tradingState.delete(AUDIT_HEAD_KEY);
    expect((await verifyAuditLog(db)).problems.map((p) => p.kind)).toEqual(['head-missing']);
    await db.tradingState.put({ key: AUDIT_HEAD_KEY, value: { ...(head.value as object), count: 5 } });
    const r = await verifyAuditLog(db);
    expect(r.problems).toEqual([
      {
        kind: 'count-mismatch',
        seq: null,
        after: null,
        message: 'The chain head records 5 entries but the log holds 2.',
      },
    ]);
  });

  it('lists at most the problem limit and counts the rest', async () => {
    const db = freshDb();
    const log = await writeLog(db, [30]);
    await db.audit.bulkPut(log.map((e) => ({ ...e, message: 'x' })));
    const r = await verifyAuditLog(db, { problemLimit: 10, pageSize: 7 });
    expect(r.problems).toHaveLength(10);
    expect(r.problemCount).toBe(30);
    expect(r.problems.map((p) => p.seq)).toEqual(log.slice(0, 10).map((e) => e.seq));
  });

  it('reports progress page by page, up to the total', async () => {
    const db = freshDb();
    await writeLog(db, [10, 10, 5]);
    const seen: JobProgress[] = [];
    await verifyAuditLog(db, { pageSize: 10, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => [p.done, p.total])).toEqual([
      [0, 25],
      [10, 25],
      [20, 25],
      [25, 25],
    ]);
  });

  it('leaves entries appended during the check to the next check', async () => {
    const db = freshDb();
    await writeLog(db, [10]);
    const { TradingStore } = await import('../trading/trading-store.js');
    const store = new TradingStore(db);
    let appended = false;
    const r = await verifyAuditLog(db, {
      pageSize: 3,
      onProgress: () => {
        if (appended) return;
        appended = true;
        void store.commit({ audit: [auditEntry({ message: 'meanwhile' })] });
      },
    });
    expect(r).toMatchObject({ intact: true, checked: 10 });
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, checked: 11 });
  });

  it('stops when cancelled, with code cancelled', async () => {
    const db = freshDb();
    await writeLog(db, [20]);
    const control = new AbortController();
    const run = verifyAuditLog(db, {
      pageSize: 5,
      signal: control.signal,
      onProgress: (p) => {
        if (p.done >= 5) control.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ error: { code: 'cancelled' } });
  });
});
