/**
 * Optional persistence of sandbox accounts (keys, secrets, balances) as one JSON file.
 *
 * Writes are debounced and atomic (temp file + rename), so a crash leaves the old or the new
 * file, never half of one. Open orders are not saved: the simulated market restarts from its seed,
 * so on load any locked amount is returned to free.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { AccountStore } from './accounts.js';
import { formatAmount, parseAmount } from './money.js';

const amount = z.string().refine((s) => parseAmount(s) !== null, 'expected a decimal amount');
const fileSchema = z.object({
  version: z.literal(1),
  accounts: z.array(
    z.object({
      apiKey: z.string().min(1),
      secret: z.string().min(1),
      label: z.string(),
      createdAt: z.number(),
      balances: z.record(z.string(), z.object({ free: amount, locked: amount })),
    }),
  ),
});

/** Reads the file into `store`; a missing file is an empty store, a malformed one an error. */
export function loadAccounts(path: string, store: AccountStore): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const parsed = fileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`sandbox accounts file ${path} is malformed: ${parsed.error.message}`);
  for (const a of parsed.data.accounts) {
    const balances = new Map<string, bigint>();
    for (const [asset, b] of Object.entries(a.balances)) {
      balances.set(asset, (parseAmount(b.free) as bigint) + (parseAmount(b.locked) as bigint));
    }
    store.create({ ...a, balances });
  }
  return parsed.data.accounts.length;
}

export function serializeAccounts(store: AccountStore): string {
  const accounts = [...store.all()].map((a) => ({
    apiKey: a.apiKey,
    secret: a.secret,
    label: a.label,
    createdAt: a.createdAt,
    balances: Object.fromEntries(
      [...a.balances].map(([asset, b]) => [
        asset,
        { free: formatAmount(b.free), locked: formatAmount(b.locked) },
      ]),
    ),
  }));
  return JSON.stringify({ version: 1, accounts }, null, 2);
}

export function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  // 0600: the file holds secrets of the (fake) exchange's accounts.
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, path);
}

export interface AccountWriter {
  /** Schedules a write (coalesced within the debounce delay). */
  schedule(): void;
  /** Writes now if anything is pending. */
  flush(): void;
}

export function createAccountWriter(
  path: string,
  store: AccountStore,
  onError: (err: unknown) => void,
  delayMs = 500,
): AccountWriter {
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer === null) return;
    clearTimeout(timer);
    timer = null;
    try {
      writeAtomically(path, serializeAccounts(store));
    } catch (err) {
      onError(err);
    }
  };
  return {
    schedule() {
      if (timer !== null) return;
      timer = setTimeout(flush, delayMs);
      timer.unref();
    },
    flush,
  };
}
