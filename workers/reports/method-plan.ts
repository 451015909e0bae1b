import { EngineFailure, engineError } from '../shared/errors.js';
import { isMethod } from '../tax/options.js';
import { parseYearStart, yearBounds, yearLabelExample } from '../tax/tax-year.js';
import { METHODS, type MethodChoice } from '../tax/types.js';
import type { TaxMethodPlan } from './api.js';

function refuse(message: string): never {
  throw new EngineFailure(engineError('bad-method', message));
}

/**
 * The plan as the tax engine's method choice, checked first: every method is one of FIFO, LIFO, HIFO,
 * ACB and every year is a tax year of `yearStart` (a typo would otherwise silently fall back to the
 * default method). An account's choice for a year beats the year's, which beats the default.
 */
export function methodChoice(plan: TaxMethodPlan, yearStart: string): MethodChoice {
  const start = parseYearStart(yearStart);
  if (start === null) refuse(`"${yearStart}" is not a year start MM-DD (e.g. 07-01)`);
  const method = (value: unknown, where: string) => {
    if (!isMethod(value)) refuse(`${where}: "${String(value)}" is not one of ${METHODS.join(', ')}`);
    return value;
  };
  const year = (label: string) => {
    if (yearBounds(label, start) === null)
      refuse(`"${label}" is not a tax year starting ${yearStart}: write it like ${yearLabelExample(start)}`);
  };
  const fallback = method(plan.method, 'the method');
  const byYear = plan.byYear ?? {};
  const byYearAccount = plan.byYearAccount ?? {};
  for (const [y, m] of Object.entries(byYear)) {
    year(y);
    method(m, `the method for ${y}`);
  }
  for (const [y, accounts] of Object.entries(byYearAccount)) {
    year(y);
    for (const [account, m] of Object.entries(accounts)) method(m, `the method for ${y}, account ${account}`);
  }
  if (Object.keys(byYear).length === 0 && Object.keys(byYearAccount).length === 0) return fallback;
  return (taxYear, account) => byYearAccount[taxYear]?.[account] ?? byYear[taxYear] ?? fallback;
}

/** The plan as the CLI writes it: `FIFO,2022-23=HIFO,2023-24:ACC=LIFO`. */
export function methodPlanText(plan: TaxMethodPlan): string {
  const parts: string[] = [plan.method];
  for (const [y, m] of Object.entries(plan.byYear ?? {}).sort()) parts.push(`${y}=${m}`);
  for (const [y, accounts] of Object.entries(plan.byYearAccount ?? {}).sort())
    for (const [account, m] of Object.entries(accounts).sort()) parts.push(`${y}:${account}=${m}`);
  return parts.join(',');
}
