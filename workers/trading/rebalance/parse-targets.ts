import { Decimal } from '../../money/decimal.js';

/**
 * Reads the rebalance screen's target weights. Targets are percent text ("25" is 25 %) and must add up
 * to exactly 100: a plan against targets that do not is refused with the difference, since scaling them
 * silently would trade towards weights the user never entered.
 */

export interface ParsedTarget {
  /** As entered, trimmed; matched to holdings and markets case-insensitively. */
  asset: string;
  /** Percent, 0..100. */
  weight: Decimal;
}

export type ParsedTargets =
  { ok: true; targets: ParsedTarget[]; tolerance: Decimal } | { ok: false; error: string; field?: string };

const HUNDRED = Decimal.from(100);
const MAX_TOLERANCE = Decimal.from(50);
/** More rows than any screen shows; beyond this the input is refused rather than looped over. */
const MAX_TARGETS = 500;
// Asset codes vary by exchange (1INCH, USDC.E, BTC-PERP...): refuse only what cannot be one, space and '/'.
const assetPattern = /^[^\s/]{1,32}$/;

export function parseTargets(input: unknown): ParsedTargets {
  if (input === null || typeof input !== 'object')
    return { ok: false, error: 'Enter the target weights.', field: 'targets' };
  const { targets, tolerance } = input as Record<string, unknown>;
  if (!Array.isArray(targets) || targets.length === 0)
    return { ok: false, error: 'Add at least one asset with a target weight.', field: 'targets' };
  if (targets.length > MAX_TARGETS)
    return { ok: false, error: `At most ${MAX_TARGETS} targets are allowed.`, field: 'targets' };

  const out: ParsedTarget[] = [];
  const seen = new Map<string, string>();
  for (let i = 0; i < targets.length; i++) {
    const row: unknown = targets[i];
    const rawAsset = row && typeof row === 'object' ? (row as Record<string, unknown>).asset : undefined;
    const rawWeight = row && typeof row === 'object' ? (row as Record<string, unknown>).weight : undefined;
    const asset = typeof rawAsset === 'string' ? rawAsset.trim() : '';
    if (asset === '')
      return { ok: false, error: 'Enter an asset for every row.', field: `targets.${i}.asset` };
    if (!assetPattern.test(asset))
      return {
        ok: false,
        error: `"${asset.slice(0, 32)}" is not an asset code: one word without '/', like BTC.`,
        field: `targets.${i}.asset`,
      };
    const key = asset.toUpperCase();
    const earlier = seen.get(key);
    if (earlier !== undefined)
      return {
        ok: false,
        error: `${asset} is listed twice (also as ${earlier}): give each asset one target.`,
        field: `targets.${i}.asset`,
      };
    seen.set(key, asset);
    const weight =
      typeof rawWeight === 'string' && rawWeight.trim() === '' ? null : Decimal.tryFrom(rawWeight);
    if (weight === null)
      return {
        ok: false,
        error: `Enter ${asset}'s target as a percentage, like 25.`,
        field: `targets.${i}.weight`,
      };
    if (weight.isNegative() || weight.gt(HUNDRED))
      return {
        ok: false,
        error: `${asset}'s target is ${weight} %: it must be between 0 and 100 %.`,
        field: `targets.${i}.weight`,
      };
    out.push({ asset, weight });
  }

  const sum = Decimal.sum(out.map((t) => t.weight));
  if (!sum.eq(HUNDRED)) {
    const gap = HUNDRED.sub(sum);
    const how = gap.isPositive() ? `${gap} % short of 100 %` : `${gap.neg()} % over 100 %`;
    return { ok: false, error: `Targets add up to ${sum} %: ${how}.`, field: 'targets' };
  }

  const tol =
    typeof tolerance === 'string' && tolerance.trim() === '' ? null : Decimal.tryFrom(tolerance ?? null);
  if (tol === null)
    return {
      ok: false,
      error: 'Enter a tolerance band in percentage points, like 2 (0 trades any drift).',
      field: 'tolerance',
    };
  if (tol.isNegative() || tol.gt(MAX_TOLERANCE))
    return {
      ok: false,
      error: `The tolerance is ${tol} percentage points: it must be between 0 and 50.`,
      field: 'tolerance',
    };
  return { ok: true, targets: out, tolerance: tol };
}
