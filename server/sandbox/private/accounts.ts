/**
 * Sandbox accounts: an API key and secret with balances. Each account has an owner number for the
 * matching engine (the crowd is 0), so its orders can be told apart in fills.
 *
 * Balances are exact (bigint units of 1e-8), split into free and locked like Binance's. Every
 * change goes through the methods here, which refuse to make either part negative: a bug in the
 * order layer then fails loudly instead of creating money.
 */
import { randomBytes } from 'node:crypto';

export interface Balance {
  free: bigint;
  locked: bigint;
}

export const API_KEY_RE = /^[A-Za-z0-9]{64}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 64 random alphanumeric characters (the shape of a Binance key), without modulo bias. */
export function randomKey(length = 64): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: bytes above it would favour the first letters.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export class Account {
  readonly balances = new Map<string, Balance>();
  updateTime: number;

  constructor(
    readonly owner: number,
    readonly apiKey: string,
    readonly secret: string,
    readonly label: string,
    readonly createdAt: number,
  ) {
    this.updateTime = createdAt;
  }

  balance(asset: string): Balance {
    let b = this.balances.get(asset);
    if (b === undefined) {
      b = { free: 0n, locked: 0n };
      this.balances.set(asset, b);
    }
    return b;
  }

  canLock(asset: string, units: bigint): boolean {
    return this.balance(asset).free >= units;
  }

  /** free -> locked; throws if free is short (callers check canLock first). */
  lock(asset: string, units: bigint): void {
    const b = this.balance(asset);
    if (units < 0n || b.free < units) throw new Error(`cannot lock ${units} ${asset}: free is ${b.free}`);
    b.free -= units;
    b.locked += units;
  }

  /** locked -> free. */
  unlock(asset: string, units: bigint): void {
    const b = this.balance(asset);
    if (units < 0n || b.locked < units)
      throw new Error(`cannot unlock ${units} ${asset}: locked is ${b.locked}`);
    b.locked -= units;
    b.free += units;
  }

  /** Pays out of locked funds (a fill). */
  spendLocked(asset: string, units: bigint): void {
    const b = this.balance(asset);
    if (units < 0n || b.locked < units)
      throw new Error(`cannot spend ${units} ${asset}: locked is ${b.locked}`);
    b.locked -= units;
  }

  credit(asset: string, units: bigint): void {
    if (units < 0n) throw new Error(`cannot credit a negative amount of ${asset}`);
    this.balance(asset).free += units;
  }
}

export interface NewAccount {
  label: string;
  /** Starting free balances in units. */
  balances: ReadonlyMap<string, bigint>;
  apiKey?: string;
  secret?: string;
  createdAt: number;
}

export class AccountStore {
  private readonly byKey = new Map<string, Account>();
  private readonly owners = new Map<number, Account>();
  private nextOwner = 1;
  /** Called after anything worth persisting changed (debounced by the listener). */
  onChange: () => void = () => {};

  create(spec: NewAccount): Account {
    const apiKey = spec.apiKey ?? randomKey();
    if (this.byKey.has(apiKey)) throw new Error('duplicate sandbox API key');
    const account = new Account(
      this.nextOwner++,
      apiKey,
      spec.secret ?? randomKey(),
      spec.label,
      spec.createdAt,
    );
    for (const [asset, units] of spec.balances) account.credit(asset, units);
    this.byKey.set(apiKey, account);
    this.owners.set(account.owner, account);
    this.onChange();
    return account;
  }

  byApiKey(apiKey: string): Account | undefined {
    return this.byKey.get(apiKey);
  }

  byOwner(owner: number): Account | undefined {
    return this.owners.get(owner);
  }

  all(): IterableIterator<Account> {
    return this.byKey.values();
  }

  get size(): number {
    return this.byKey.size;
  }
}
