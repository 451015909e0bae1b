import { isTimeZone } from './calendar.js';
import { TaxInputError, type TaxProblem } from './errors.js';
import {
  defaultYearStart,
  parseYearStart,
  yearBounds,
  yearLabelExample,
  type YearStart,
} from './tax-year.js';
import { JURISDICTIONS, METHODS, type Jurisdiction, type Method, type MethodChoice } from './types.js';

export interface TaxOptions {
  jurisdiction: Jurisdiction;
  /** One method for every sale, or one per (tax year, account). */
  method: MethodChoice;
  /** IANA zone the trades were dated in (reported; see defaultTimeZone). */
  timeZone?: string;
  /** 'MM-DD' each tax year starts on (default: 07-01 for AU, 01-01 otherwise). */
  yearStart?: string;
  /** Only this tax year (e.g. '2021-22'); lots bought before it still count. */
  year?: string | null;
}

export interface ResolvedOptions {
  jurisdiction: Jurisdiction;
  methodOf: (taxYear: string, account: string) => Method;
  timeZone: string;
  yearStartText: string;
  yearStart: YearStart;
  year: { label: string; first_day: string; last_day: string } | null;
}

/** Where a taxpayer's trade dates are counted: Sydney for Australia, UTC when no jurisdiction is chosen. */
export function defaultTimeZone(jurisdiction: Jurisdiction): string {
  return jurisdiction === 'AU' ? 'Australia/Sydney' : 'UTC';
}

export function isMethod(v: unknown): v is Method {
  return typeof v === 'string' && (METHODS as readonly string[]).includes(v);
}

export function isJurisdiction(v: unknown): v is Jurisdiction {
  return typeof v === 'string' && (JURISDICTIONS as readonly string[]).includes(v);
}

function fail(field: string, message: string): never {
  const problem: TaxProblem = { index: null, id: null, field, message };
  throw new TaxInputError([problem]);
}

/** Checks the options once, naming the allowed values of anything unknown. */
export function resolveOptions(options: TaxOptions): ResolvedOptions {
  const { jurisdiction, method } = options;
  if (!isJurisdiction(jurisdiction))
    fail('jurisdiction', `"${String(jurisdiction)}" is not one of ${JURISDICTIONS.join(', ')}`);
  if (typeof method !== 'function' && !isMethod(method))
    fail('method', `"${String(method)}" is not one of ${METHODS.join(', ')}`);
  const timeZone = options.timeZone ?? defaultTimeZone(jurisdiction);
  if (!isTimeZone(timeZone))
    fail('timeZone', `"${timeZone}" is not an IANA time zone (e.g. Australia/Sydney, Europe/London, UTC)`);
  const yearStartText = options.yearStart ?? defaultYearStart(jurisdiction);
  const yearStart = parseYearStart(yearStartText);
  if (yearStart === null)
    fail(
      'yearStart',
      `"${yearStartText}" is not a year start MM-DD (e.g. 07-01; 29 February is not allowed)`,
    );
  let year: ResolvedOptions['year'] = null;
  if (options.year !== undefined && options.year !== null) {
    const bounds = yearBounds(options.year, yearStart);
    if (bounds === null)
      fail(
        'year',
        `"${options.year}" is not a tax year starting ${yearStartText}: write it like ${yearLabelExample(yearStart)}`,
      );
    year = { label: options.year, ...bounds };
  }
  const methodOf = (taxYear: string, account: string): Method => {
    const chosen = typeof method === 'function' ? method(taxYear, account) : method;
    if (!isMethod(chosen))
      fail(
        'method',
        `"${String(chosen)}" (for ${taxYear}, account ${account}) is not one of ${METHODS.join(', ')}`,
      );
    return chosen;
  };
  return { jurisdiction, methodOf, timeZone, yearStartText, yearStart, year };
}
