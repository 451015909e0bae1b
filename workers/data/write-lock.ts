import type { Transaction } from 'dexie';
import type { LyraDb } from '../store/db.js';
import { dataFailure } from './database-format.js';

/**
 * Refuses every write this worker makes through `db`, except those of one transaction (and its nested
 * ones). A database import holds it from before its transaction starts until the page reloads: the
 * trading tick, the equity recorder, the alert leader's save and every other writer of this worker then
 * fail instead of writing the old state over the imported one. Requests queued behind the import's
 * transaction are checked when they are issued, so the lock must be on before that transaction exists.
 *
 * Dexie hooks, not a middleware: a middleware only joins the stack when the database opens, and this
 * worker's database is open long before an import. Hooks cost nothing until subscribed.
 */
export class WriteLock {
  private allowed: Transaction | null = null;
  private release: (() => void) | null = null;

  constructor(private readonly db: LyraDb) {}

  get held(): boolean {
    return this.release !== null;
  }

  /** Refuses writes from now on; `allow` marks the transaction that may still write (set it when it starts). */
  hold(): void {
    if (this.release) return;
    const check = (trans: Transaction) => this.check(trans);
    const creating = function (_key: unknown, _obj: unknown, trans: Transaction) {
      check(trans);
    };
    const updating = function (_mods: unknown, _key: unknown, _obj: unknown, trans: Transaction) {
      check(trans);
    };
    const deleting = creating;
    for (const table of this.db.tables) {
      table.hook('creating', creating);
      table.hook('updating', updating);
      table.hook('deleting', deleting);
    }
    this.release = () => {
      for (const table of this.db.tables) {
        table.hook('creating').unsubscribe(creating);
        table.hook('updating').unsubscribe(updating);
        table.hook('deleting').unsubscribe(deleting);
      }
    };
  }

  allow(trans: Transaction | null): void {
    this.allowed = trans;
  }

  /** Writes again (the import failed or was cancelled: the device keeps its data and this worker runs on). */
  unhold(): void {
    this.release?.();
    this.release = null;
    this.allowed = null;
  }

  private check(trans: Transaction): void {
    for (let t: Transaction | undefined = trans; t; t = t.parent) if (t === this.allowed) return;
    throw dataFailure(
      'data-replaced',
      "This device's data is being replaced by an imported file: wait for Lyra to reload, then try again.",
      true,
    );
  }
}
