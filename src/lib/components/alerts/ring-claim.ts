/**
 * One firing rings in one tab: every open tab hears of it (and shows the toast), but only the tab that
 * claims it plays the chime and shows the system notification. A visible tab claims at once; hidden
 * tabs wait a moment first, so the tab the trader is looking at wins, and with none visible one hidden
 * tab still rings. Claims are kept in localStorage, checked and written under a Web Lock.
 */

export interface RingDeps {
  hidden(): boolean;
  locks: { request<T>(name: string, work: () => Promise<T> | T): Promise<T> } | null;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** How long a hidden tab lets a visible one claim first. */
  hiddenWaitMs: number;
}

const KEY = 'lyra.alerts.rung';
const LOCK = 'lyra-alerts-ring';
/** Firing ids remembered: far more than can fire within one hidden tab's wait. */
const KEEP = 200;

function browserDeps(): RingDeps {
  return {
    hidden: () => typeof document !== 'undefined' && document.hidden,
    locks: typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null,
    storage: typeof localStorage !== 'undefined' ? localStorage : null,
    hiddenWaitMs: 600,
  };
}

function claim(id: string, storage: RingDeps['storage']): boolean {
  // Without storage every tab rings: a chime too many beats a missed one.
  if (!storage) return true;
  try {
    const raw = storage.getItem(KEY);
    const rung: unknown = raw ? JSON.parse(raw) : [];
    const ids = Array.isArray(rung) ? rung.filter((x): x is string => typeof x === 'string') : [];
    if (ids.includes(id)) return false;
    storage.setItem(KEY, JSON.stringify([...ids, id].slice(-KEEP)));
    return true;
  } catch {
    return true;
  }
}

/** Resolves true in the one tab that should ring for firing `id`. */
export async function claimRing(id: string, deps: RingDeps = browserDeps()): Promise<boolean> {
  if (deps.hidden()) await new Promise((r) => setTimeout(r, deps.hiddenWaitMs));
  if (!deps.locks) return claim(id, deps.storage);
  return deps.locks.request(LOCK, () => claim(id, deps.storage));
}
