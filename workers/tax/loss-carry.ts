import { Decimal } from '../money/decimal.js';
import type { Jurisdiction, TaxSummary } from './types.js';

/** A tax year's net after the net capital losses of earlier years. */
export interface CarriedYear {
  /** Net capital losses of earlier years still unused when this year starts. */
  broughtForward: Decimal;
  /** Net capital losses left unused after this year, for the years after it. */
  carriedForward: Decimal;
  /** The year's net capital gain after both its own losses and those brought forward; negative: a loss. */
  netCapitalGain: Decimal;
}

const AU_DISCOUNT_KEPT = Decimal.from('0.5');

/**
 * Applies each year's net capital loss to the years after it, the ATO's order: a year's own capital
 * losses first (as `summarise` nets them), then the losses brought forward, both against non-discount
 * gains first (taxed in full) and then against discount-eligible gains, and the 50% discount last on the
 * eligible gains left. `years` are each year's own totals, oldest first; a year with no sales carries the
 * loss on unchanged, so only years with totals need to be given.
 */
export function carryLossesForward(years: readonly TaxSummary[], jurisdiction: Jurisdiction): CarriedYear[] {
  const kept = jurisdiction === 'AU' ? AU_DISCOUNT_KEPT : Decimal.ONE;
  let carry = Decimal.ZERO;
  return years.map((s) => {
    const broughtForward = carry;
    const eligible = jurisdiction === 'AU' ? s.discount_eligible_gains : Decimal.ZERO;
    const nondiscount = s.nondiscount_gains.add(s.discount_eligible_gains).sub(eligible);
    const ownOnNondiscount = Decimal.min(s.losses, nondiscount);
    const ownOnEligible = Decimal.min(s.losses.sub(ownOnNondiscount), eligible);
    const ownLeft = s.losses.sub(ownOnNondiscount).sub(ownOnEligible);
    if (ownLeft.isPositive()) {
      carry = carry.add(ownLeft);
      return { broughtForward, carriedForward: carry, netCapitalGain: carry.neg() };
    }
    const nondiscountLeft = nondiscount.sub(ownOnNondiscount);
    const eligibleLeft = eligible.sub(ownOnEligible);
    const onNondiscount = Decimal.min(carry, nondiscountLeft);
    const onEligible = Decimal.min(carry.sub(onNondiscount), eligibleLeft);
    carry = carry.sub(onNondiscount).sub(onEligible);
    const net = nondiscountLeft.sub(onNondiscount).add(eligibleLeft.sub(onEligible).mul(kept));
    return { broughtForward, carriedForward: carry, netCapitalGain: net };
  });
}
