/**
 * Sandbox account creation: POST /sandbox/api-keys {label?, balances?} -> 201 with the key and
 * secret. The secret is shown only in this response (it is still stored: the sandbox plays the
 * exchange, which must know it to check signatures).
 */
import { z } from 'zod';
import { MARKETS } from '../markets.js';
import type { Account, AccountStore } from './accounts.js';
import { formatAmount, parseAmount } from './money.js';

export const DEFAULT_BALANCES: Readonly<Record<string, string>> = { USDT: '10000' };

export const newKeySchema = z
  .object({
    label: z.string().trim().max(64, 'label must be at most 64 characters').optional(),
    balances: z
      .record(
        z.string(),
        z
          .string()
          .refine(
            (s) => parseAmount(s) !== null,
            'balances are decimal strings with at most 8 decimals, e.g. "10000.5"',
          ),
      )
      .superRefine((record, ctx) => {
        const assets = Object.keys(record);
        if (assets.length > 50) ctx.addIssue({ code: 'custom', message: 'at most 50 assets' });
        for (const asset of assets.filter((a) => !/^[A-Z0-9]{1,20}$/.test(a))) {
          ctx.addIssue({
            code: 'custom',
            message: `"${asset}": asset names are 1-20 upper-case letters or digits, e.g. "USDT"`,
          });
        }
      })
      .optional(),
  })
  .strict();

export type NewKeyInput = z.infer<typeof newKeySchema>;

export interface NewKeyResult {
  apiKey: string;
  secret: string;
  label: string;
  balances: Record<string, string>;
  createdAt: number;
}

/** Every listed asset starts at zero unless given, so /account lists them all. */
export function createApiKey(
  store: AccountStore,
  input: NewKeyInput,
  now: number,
): { account: Account; result: NewKeyResult } {
  const balances = new Map<string, bigint>();
  for (const m of MARKETS) {
    balances.set(m.base, 0n);
    balances.set(m.quote, 0n);
  }
  for (const [asset, text] of Object.entries(input.balances ?? DEFAULT_BALANCES)) {
    balances.set(asset, parseAmount(text) as bigint);
  }
  const account = store.create({ label: input.label ?? '', balances, createdAt: now });
  return {
    account,
    result: {
      apiKey: account.apiKey,
      secret: account.secret,
      label: account.label,
      balances: Object.fromEntries([...balances].map(([a, u]) => [a, formatAmount(u)])),
      createdAt: account.createdAt,
    },
  };
}
