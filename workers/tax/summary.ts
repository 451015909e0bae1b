import { Decimal } from '../money/decimal.js';
import type { Jurisdiction, Match, TaxSummary } from './types.js';

/** The Australian CGT discount for individuals and trusts: half of a discount gain is taxed. */
const AU_DISCOUNT_KEPT = Decimal.from('0.5');

/**
 * Totals of a set of matches, netted the ATO's way: capital losses reduce non-discount gains first
 * (which are taxed in full, so this is what a taxpayer would choose), then discount-eligible gains; the
 * 50% discount applies only to the eligible gains left. Losses are never discounted. Without a
 * jurisdiction every gain is a non-discount gain, so the net is gains minus losses.
 *
 * When losses exceed all gains, `net_capital_gain_after_discount` is negative: the net capital loss the
 * taxpayer carries forward (the year's net capital gain is then nil). No loss of another set (a prior
 * year) is applied here.
 */
export function summarise(matches: readonly Match[], jurisdiction: Jurisdiction): TaxSummary {
  let nondiscount = Decimal.ZERO;
  let eligible = Decimal.ZERO;
  let losses = Decimal.ZERO;
  for (const m of matches) {
    if (m.gain.isNegative()) losses = losses.sub(m.gain);
    else if (jurisdiction === 'AU' && m.discount_eligible) eligible = eligible.add(m.gain);
    else nondiscount = nondiscount.add(m.gain);
  }
  const gross = nondiscount.add(eligible);
  const againstNondiscount = Decimal.min(losses, nondiscount);
  const againstEligible = Decimal.min(losses.sub(againstNondiscount), eligible);
  const unabsorbed = losses.sub(againstNondiscount).sub(againstEligible);
  const net = nondiscount
    .sub(againstNondiscount)
    .add(eligible.sub(againstEligible).mul(jurisdiction === 'AU' ? AU_DISCOUNT_KEPT : Decimal.ONE))
    .sub(unabsorbed);
  return {
    gross_gains: gross,
    losses,
    nondiscount_gains: nondiscount,
    discount_eligible_gains: eligible,
    net_realised: gross.sub(losses),
    net_capital_gain_after_discount: net,
  };
}
