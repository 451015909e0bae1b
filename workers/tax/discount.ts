import { addYearsClamped, daysBetween } from './calendar.js';

/**
 * The Australian CGT discount needs the asset held "at least 12 months", counted the ATO's way: neither
 * the day of acquisition nor the day of the CGT event counts. So the 12 months are complete only when
 * the sale is after the 12-month anniversary; a sale on the anniversary is not eligible, even when 366
 * days have passed across a 29 February.
 */

/**
 * The date 12 months after acquisition: same month and day a year later, or the month's last day when
 * there is no such day (bought 29 Feb 2020 -> 28 Feb 2021), as the Acts Interpretation Act counts
 * periods of months.
 */
export function twelveMonthAnniversary(acquired: string): string {
  return addYearsClamped(acquired, 1);
}

/** Eligible iff the sale date is after the anniversary (ISO date text compares like the dates). */
export function discountEligible(acquired: string, saleDate: string): boolean {
  return saleDate > twelveMonthAnniversary(acquired);
}

/** Calendar days between acquisition and sale (the reference's `days_held`). */
export function daysHeld(acquired: string, saleDate: string): number {
  return daysBetween(acquired, saleDate);
}
