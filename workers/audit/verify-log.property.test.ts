import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../trading/types.js';
import type { AuditProblem } from './api.js';
import { verifyAuditLog } from './verify-log.js';
import { auditEntry, closeAll, freshDb, writeLog } from './test-support.js';

afterEach(closeAll);

type Tampering =
  | { kind: 'none' }
  | { kind: 'alter'; at: number; field: 'message' | 'details' | 'time' | 'kind' }
  | { kind: 'remove'; at: number }
  | { kind: 'insert'; at: number }
  | { kind: 'reorder'; at: number; with: number };

const batches = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 6 });
const position = fc.nat({ max: 1_000 });
const tampering: fc.Arbitrary<Tampering> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({
    kind: fc.constant('alter' as const),
    at: position,
    field: fc.constantFrom('message' as const, 'details' as const, 'time' as const, 'kind' as const),
  }),
  fc.record({ kind: fc.constant('remove' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position }),
  fc.record({ kind: fc.constant('reorder' as const), at: position, with: position }),
);

function altered(e: AuditEntry, field: 'message' | 'details' | 'time' | 'kind'): AuditEntry {
  switch (field) {
    case 'message':
      return { ...e, message: `${e.message}.` };
    case 'details':
      return { ...e, details: { ...e.details, n: Number(e.details.n) + 1 } };
    case 'time':
      return { ...e, time: e.time - 1 };
    case 'kind':
      return { ...e, kind: e.kind === 'halt' ? 'rearm' : 'halt' };
  }
}

/** Applies one tampering to the stored log; returns the problem the check must report first. */
async function tamper(
  db: ReturnType<typeof freshDb>,
  log: AuditEntry[],
  t: Tampering,
): Promise<Partial<AuditProblem> | null> {
  const seqOf = (i: number) => log[i]!.seq!;
  const before = (i: number) => (i > 0 ? seqOf(i - 1) : null);
  switch (t.kind) {
    case 'none':
      return null;
    case 'alter': {
      const i = t.at % log.length;
      await db.audit.put(altered(log[i]!, t.field));
      return { kind: 'altered', seq: seqOf(i) };
    }
    case 'remove': {
      const i = t.at % log.length;
      await db.audit.delete(seqOf(i));
      return i === log.length - 1
        ? { kind: 'tail-removed', seq: seqOf(i), after: before(i) }
        : { kind: 'link-broken', seq: seqOf(i + 1), after: before(i) };
    }
    case 'insert': {
      // Between two entries, before the first, or after the last.
      const i = t.at % (log.length + 1);
      const seq = i === log.length ? seqOf(i - 1) + 1 : seqOf(i) - 0.5;
      await db.audit.put(auditEntry({ seq, message: 'inserted' }));
      return { kind: 'unhashed', seq };
    }
    case 'reorder': {
      if (log.length < 2) return null;
      const i = t.at % log.length;
      let j = t.with % log.length;
      if (j === i) j = (i + 1) % log.length;
      const [lo, hi] = i < j ? [i, j] : [j, i];
      await db.audit.bulkPut([
        { ...log[hi]!, seq: seqOf(lo) },
        { ...log[lo]!, seq: seqOf(hi) },
      ]);
      return { kind: 'link-broken', seq: seqOf(lo), after: before(lo) };
    }
  }
}

describe('verifyAuditLog, property', () => {
  it('reports one tampering of a random log at its place, and never a problem in an untouched log', async () => {
    await fc.assert(
      fc.asyncProperty(batches, tampering, fc.integer({ min: 1, max: 6 }), async (sizes, t, pageSize) => {
        const db = freshDb();
        try {
          const log = await writeLog(db, sizes);
          const expected = await tamper(db, log, t);
          const r = await verifyAuditLog(db, { pageSize });
          if (expected === null) {
            expect(r).toMatchObject({ intact: true, problems: [], problemCount: 0 });
            expect(r.checked).toBe(log.length);
          } else {
            expect(r.intact).toBe(false);
            expect(r.problems[0]).toMatchObject(expected);
            // Nothing is reported before the place of the tampering.
            for (const p of r.problems)
              if (p.seq !== null && expected.seq != null) expect(p.seq).toBeGreaterThanOrEqual(expected.seq);
            // A single alteration, removal or insertion is exactly one problem.
            if (t.kind !== 'reorder') expect(r.problemCount).toBe(1);
          }
        } finally {
          db.close();
        }
      }),
      { numRuns: 80 },
    );
  }, 60_000);
});
