import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { versionsToDelete, type RetainedVersion, type RetentionPolicy } from './retention.js';

const day = 86_400_000;
const now = Date.parse('2026-03-01T12:00:00Z');

/** A forest of versions: each either full or building on an earlier one, completed at or after it. */
const versionsArb = fc
  .array(
    fc.record({
      ageMs: fc.integer({ min: -day, max: 800 * day }),
      parent: fc.option(fc.nat(), { nil: null }),
    }),
    { maxLength: 60 },
  )
  .map((specs) => {
    // Oldest first, so a parent (an earlier index) is never younger than its child.
    const ages = specs.map((s) => s.ageMs).sort((a, b) => b - a);
    return specs.map((s, i): RetainedVersion => ({
      id: `v${i}`,
      parentId: s.parent === null || i === 0 ? null : `v${s.parent % i}`,
      completedAt: now - ages[i]!,
    }));
  });

const policyArb = fc.record({
  keepAllDays: fc.integer({ min: 0, max: 30 }),
  keepDailyDays: fc.integer({ min: 0, max: 120 }),
  keepWeeklyDays: fc.integer({ min: 0, max: 800 }),
});

const run = (versions: RetainedVersion[], policy: RetentionPolicy) => {
  const doomed = new Set(versionsToDelete(versions, policy, now));
  return { doomed, kept: versions.filter((v) => !doomed.has(v.id)) };
};

describe('retention', () => {
  it('always keeps the newest version', () => {
    fc.assert(
      fc.property(versionsArb, policyArb, (versions, policy) => {
        if (versions.length === 0) return;
        const newest = Math.max(...versions.map((v) => v.completedAt));
        const { kept } = run(versions, policy);
        expect(kept.some((v) => v.completedAt === newest)).toBe(true);
      }),
    );
  });

  it("keeps every kept version's whole parent chain, so each stays restorable", () => {
    fc.assert(
      fc.property(versionsArb, policyArb, (versions, policy) => {
        const { kept } = run(versions, policy);
        const keptIds = new Set(kept.map((v) => v.id));
        for (const v of kept) if (v.parentId) expect(keptIds.has(v.parentId)).toBe(true);
      }),
    );
  });

  it('never deletes a version younger than keepAllDays', () => {
    fc.assert(
      fc.property(versionsArb, policyArb, (versions, policy) => {
        const { doomed } = run(versions, policy);
        for (const v of versions) {
          if (now - v.completedAt < policy.keepAllDays * day) expect(doomed.has(v.id)).toBe(false);
        }
      }),
    );
  });

  it('keeps the newest version of each day and week inside their windows', () => {
    fc.assert(
      fc.property(versionsArb, policyArb, (versions, policy) => {
        const { doomed } = run(versions, policy);
        const utcDay = (ms: number) => Math.floor(ms / day);
        const isoWeek = (ms: number) => Math.floor((utcDay(ms) + 3) / 7);
        for (const v of versions) {
          const age = now - v.completedAt;
          // Ties in time go to the larger id, as in versionsToDelete.
          const newer = versions.filter(
            (w) => w.completedAt > v.completedAt || (w.completedAt === v.completedAt && w.id > v.id),
          );
          if (
            age < policy.keepDailyDays * day &&
            !newer.some((w) => utcDay(w.completedAt) === utcDay(v.completedAt))
          )
            expect(doomed.has(v.id)).toBe(false);
          if (
            age < policy.keepWeeklyDays * day &&
            !newer.some((w) => isoWeek(w.completedAt) === isoWeek(v.completedAt))
          )
            expect(doomed.has(v.id)).toBe(false);
        }
      }),
    );
  });

  it('is idempotent: pruning what is left deletes nothing more', () => {
    fc.assert(
      fc.property(versionsArb, policyArb, (versions, policy) => {
        const { kept } = run(versions, policy);
        expect(versionsToDelete(kept, policy, now)).toEqual([]);
      }),
    );
  });

  it('keeps pinned versions and their chains', () => {
    fc.assert(
      fc.property(versionsArb, policyArb, fc.nat(), (versions, policy, pick) => {
        if (versions.length === 0) return;
        const pinned = versions[pick % versions.length]!;
        const doomed = new Set(versionsToDelete(versions, policy, now, [pinned.id]));
        const byId = new Map(versions.map((v) => [v.id, v]));
        for (
          let v: RetainedVersion | undefined = pinned;
          v;
          v = v.parentId ? byId.get(v.parentId) : undefined
        ) {
          expect(doomed.has(v.id)).toBe(false);
        }
      }),
    );
  });

  it('groups by ISO week, Monday to Sunday in UTC', () => {
    const at = (iso: string) => Date.parse(iso);
    const versions: RetainedVersion[] = [
      { id: 'sun', parentId: null, completedAt: at('2025-01-05T23:59:00Z') }, // Sunday of week 1
      { id: 'sat', parentId: null, completedAt: at('2025-01-04T10:00:00Z') },
      { id: 'mon', parentId: null, completedAt: at('2025-01-06T00:00:00Z') }, // Monday of week 2
      { id: 'tue', parentId: null, completedAt: at('2025-01-07T00:00:00Z') },
      { id: 'newest', parentId: null, completedAt: at('2026-03-01T00:00:00Z') },
    ];
    const policy = { keepAllDays: 0, keepDailyDays: 0, keepWeeklyDays: 800 };
    expect(versionsToDelete(versions, policy, now).sort()).toEqual(['mon', 'sat']);
  });
});
