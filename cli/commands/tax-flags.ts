import { isJurisdiction, isMethod } from '../../workers/tax/options.js';
import {
  defaultYearStart,
  parseYearStart,
  yearBounds,
  yearLabelExample,
} from '../../workers/tax/tax-year.js';
import {
  JURISDICTIONS,
  METHODS,
  type Jurisdiction,
  type Method,
  type MethodChoice,
} from '../../workers/tax/types.js';
import { UsageError } from '../io.js';

export const taxFlags = {
  trades: { type: 'string' },
  method: { type: 'string' },
  jurisdiction: { type: 'string' },
  'time-zone': { type: 'string' },
  year: { type: 'string' },
  'year-start': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The flag an engine option came from, to name it in messages. */
export const FLAG_OF_OPTION: Record<string, string> = {
  jurisdiction: '--jurisdiction',
  method: '--method',
  timeZone: '--time-zone',
  yearStart: '--year-start',
  year: '--year',
};

/** AU or none, in any case. */
export function jurisdictionFlag(raw: string | undefined): Jurisdiction {
  if (raw === undefined) return 'AU';
  const value = raw.trim().toLowerCase() === 'au' ? 'AU' : raw.trim().toLowerCase();
  if (!isJurisdiction(value))
    throw new UsageError(`--jurisdiction must be one of ${JURISDICTIONS.join(', ')}, got "${raw}"`);
  return value;
}

/** MM-DD, defaulting to the jurisdiction's (07-01 for AU, 01-01 otherwise). */
export function yearStartFlag(raw: string | undefined, jurisdiction: Jurisdiction): string {
  if (raw === undefined) return defaultYearStart(jurisdiction);
  if (parseYearStart(raw.trim()) === null)
    throw new UsageError(
      `--year-start must be a month and day MM-DD on which every tax year starts (e.g. 07-01, 04-06), got "${raw}"`,
    );
  return raw.trim();
}

function methodName(raw: string, item: string): Method {
  const m = raw.trim().toUpperCase();
  if (!isMethod(m))
    throw new UsageError(
      `--method: "${raw.trim()}"${item === raw ? '' : ` in "${item}"`} is not a method: use one of ${METHODS.join(', ')}`,
    );
  return m;
}

/**
 * --method: one method for every sale (FIFO), or a default followed by exceptions per tax year or per
 * tax year and account: `FIFO,2022-23=HIFO,2023-24:broker2=LIFO`. An exception for an account beats one
 * for its year, which beats the default.
 */
export function methodFlag(raw: string | undefined, yearStartText: string): MethodFlag {
  if (raw === undefined) return { choice: 'FIFO', unused: () => [] };
  const start = parseYearStart(yearStartText);
  if (start === null) throw new Error(`methodFlag: bad year start ${yearStartText}`);
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`--method is empty: use one of ${METHODS.join(', ')}`);
  let fallback: Method | null = null;
  // Each exception with the text it was given as, so one that matches no sale can be named.
  const byYear = new Map<string, { method: Method; item: string }>();
  const byYearAccount = new Map<string, { method: Method; item: string }>();
  const used = new Set<string>();
  for (const item of items) {
    const eq = item.lastIndexOf('=');
    if (eq === -1) {
      if (fallback !== null)
        throw new UsageError(
          `--method has two defaults (${fallback} and ${item}): give one, then YEAR=METHOD`,
        );
      fallback = methodName(item, item);
      continue;
    }
    const method = methodName(item.slice(eq + 1), item);
    const where = item.slice(0, eq);
    const colon = where.indexOf(':');
    const year = (colon === -1 ? where : where.slice(0, colon)).trim();
    const account = colon === -1 ? null : where.slice(colon + 1).trim();
    if (yearBounds(year, start) === null)
      throw new UsageError(
        `--method: "${year}" in "${item}" is not a tax year starting ${yearStartText}: write it like ${yearLabelExample(start)}`,
      );
    if (account === '') throw new UsageError(`--method: "${item}" has no account after the colon`);
    if (account === null) byYear.set(year, { method, item });
    else byYearAccount.set(JSON.stringify([year, account]), { method, item });
  }
  const base = fallback ?? 'FIFO';
  if (byYear.size === 0 && byYearAccount.size === 0) return { choice: base, unused: () => [] };
  return {
    choice: (taxYear, account) => {
      const hit = byYearAccount.get(JSON.stringify([taxYear, account])) ?? byYear.get(taxYear);
      if (hit === undefined) return base;
      used.add(hit.item);
      return hit.method;
    },
    unused: () =>
      [...byYearAccount.values(), ...byYear.values()].map((e) => e.item).filter((item) => !used.has(item)),
  };
}

/** The method choice for the report, and the exceptions no sale used (typos in a year or an account). */
export interface MethodFlag {
  choice: MethodChoice;
  unused(): string[];
}
