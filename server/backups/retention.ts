/** A complete version as retention sees it: nothing but its place in time and in its chain. */
export interface RetainedVersion {
  id: string;
  parentId: string | null;
  /** Epoch milliseconds. */
  completedAt: number;
}

export interface RetentionPolicy {
  keepAllDays: number;
  keepDailyDays: number;
  keepWeeklyDays: number;
}

const dayMs = 86_400_000;

// 1970-01-01 was a Thursday; shifting by 3 days makes each group run Monday to Sunday, as ISO weeks do.
const utcDay = (ms: number) => Math.floor(ms / dayMs);
const isoWeek = (ms: number) => Math.floor((utcDay(ms) + 3) / 7);

/**
 * Which versions to delete: keep everything younger than keepAllDays, the newest of each UTC day up to
 * keepDailyDays, the newest of each ISO week up to keepWeeklyDays, the newest version overall and any
 * `pinned` ids; then every ancestor of a kept version, because an incremental is useless without the
 * chain it applies onto. Deleting the result and running again deletes nothing more.
 */
export function versionsToDelete(
  versions: readonly RetainedVersion[],
  policy: RetentionPolicy,
  now: number,
  pinned: Iterable<string> = [],
): string[] {
  if (versions.length === 0) return [];
  // Newest first, ties broken by id, so "the newest of a group" is the first one seen and deterministic.
  const ordered = [...versions].sort((a, b) => b.completedAt - a.completedAt || (a.id < b.id ? 1 : -1));
  const keep = new Set<string>([ordered[0]!.id]);
  const pinnedSet = new Set(pinned);
  const seenDays = new Set<number>();
  const seenWeeks = new Set<number>();
  for (const v of ordered) {
    const age = now - v.completedAt;
    const day = utcDay(v.completedAt);
    const week = isoWeek(v.completedAt);
    const newestOfDay = !seenDays.has(day);
    const newestOfWeek = !seenWeeks.has(week);
    seenDays.add(day);
    seenWeeks.add(week);
    if (
      pinnedSet.has(v.id) ||
      age < policy.keepAllDays * dayMs ||
      (newestOfDay && age < policy.keepDailyDays * dayMs) ||
      (newestOfWeek && age < policy.keepWeeklyDays * dayMs)
    ) {
      keep.add(v.id);
    }
  }
  const byId = new Map(versions.map((v) => [v.id, v]));
  for (const id of [...keep]) {
    // The `keep.has` check stops at a chain already walked, and at a cycle should bad data ever hold one.
    let parent = byId.get(id)?.parentId;
    while (parent && byId.has(parent) && !keep.has(parent)) {
      keep.add(parent);
      parent = byId.get(parent)!.parentId;
    }
  }
  return versions.filter((v) => !keep.has(v.id)).map((v) => v.id);
}
