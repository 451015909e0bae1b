import type { LyraDb } from '../store/db.js';
import type { FailureCount } from './throttle.js';
import type { ExchangeAccountRow, WrappedKeyRecord } from './vault-records.js';

const FAILURES = 'failures';
const AUTO_LOCK = 'autoLockMinutes';

/** The vault's tables. Crypto happens before these calls: a Dexie transaction must not await WebCrypto. */
export class VaultStore {
  constructor(private readonly db: LyraDb) {}

  keys(): Promise<WrappedKeyRecord[]> {
    return this.db.vaultKeys.toArray();
  }

  /** Writes key records together, removing `remove` ids in the same transaction. */
  async saveKeys(records: WrappedKeyRecord[], remove: string[] = []): Promise<void> {
    await this.db.transaction('rw', this.db.vaultKeys, async () => {
      if (remove.length) await this.db.vaultKeys.bulkDelete(remove);
      await this.db.vaultKeys.bulkPut(records);
    });
  }

  async removeKey(id: string): Promise<void> {
    await this.db.vaultKeys.delete(id);
  }

  async failures(): Promise<FailureCount | undefined> {
    return (await this.db.vaultState.get(FAILURES))?.value as FailureCount | undefined;
  }

  async setFailures(value: FailureCount | null): Promise<void> {
    if (value) await this.db.vaultState.put({ key: FAILURES, value });
    else await this.db.vaultState.delete(FAILURES);
  }

  async autoLockMinutes(): Promise<number | undefined> {
    return (await this.db.vaultState.get(AUTO_LOCK))?.value as number | undefined;
  }

  async setAutoLockMinutes(minutes: number): Promise<void> {
    await this.db.vaultState.put({ key: AUTO_LOCK, value: minutes });
  }

  accounts(): Promise<ExchangeAccountRow[]> {
    return this.db.exchangeAccounts.orderBy('id').toArray();
  }

  account(id: string): Promise<ExchangeAccountRow | undefined> {
    return this.db.exchangeAccounts.get(id);
  }

  /** One transaction per account: it is stored whole or not at all. */
  async addAccount(row: ExchangeAccountRow): Promise<void> {
    await this.db.transaction('rw', this.db.exchangeAccounts, async () => {
      if (await this.db.exchangeAccounts.get(row.id)) throw new Error('An account with this id exists.');
      await this.db.exchangeAccounts.add(row);
    });
  }

  /** Returns the updated row, or undefined when there is no such account. */
  async renameAccount(id: string, label: string, at: number): Promise<ExchangeAccountRow | undefined> {
    return this.db.transaction('rw', this.db.exchangeAccounts, async () => {
      const row = await this.db.exchangeAccounts.get(id);
      if (!row) return undefined;
      const next = { ...row, label, updatedAt: at };
      await this.db.exchangeAccounts.put(next);
      return next;
    });
  }

  /** Deletes the row and with it the only copy of the encrypted credentials. */
  async removeAccount(id: string): Promise<boolean> {
    return this.db.transaction('rw', this.db.exchangeAccounts, async () => {
      const existed = (await this.db.exchangeAccounts.get(id)) !== undefined;
      await this.db.exchangeAccounts.delete(id);
      return existed;
    });
  }
}
