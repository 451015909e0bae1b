import {
  covarianceMatrix,
  equalWeights,
  inverseVolatilityWeights,
  minimumVarianceWeights,
  sampleSd,
} from '../../research/stats/index.js';
import type { SuggestMethod, TargetWeight } from '../portfolio/api.js';
import { percentTexts } from './percent-text.js';

/**
 * Suggested target weights for the rebalance screen: equal weight, inverse volatility, or the long-only
 * fully invested minimum-variance portfolio, from the stats module. The weights come back as percent
 * text with 2 decimals that adds up to exactly 100, so a suggestion is always a valid plan input.
 */

export type Suggestion = { ok: true; targets: TargetWeight[] } | { ok: false; error: string };

/** Fewer returns than this make a volatility or a covariance too noisy to allocate money by. */
export const MIN_RETURNS = 20;
/** Rounding each weight to 2 decimals stays small against the largest weight up to here. */
export const MAX_ASSETS = 100;

const methodNames: Record<SuggestMethod, string> = {
  equal: 'Equal weight',
  'inverse-vol': 'Inverse volatility',
  'min-variance': 'Minimum variance',
};

export function suggestTargets(
  method: SuggestMethod,
  assets: string[],
  returns: { m: Float64Array; periods: number } | null,
): Suggestion {
  if (!Object.hasOwn(methodNames, method))
    return { ok: false, error: 'Choose equal weight, inverse volatility or minimum variance.' };
  if (!Array.isArray(assets) || assets.length === 0)
    return { ok: false, error: 'Choose at least one asset to suggest weights for.' };
  if (assets.length > MAX_ASSETS)
    return {
      ok: false,
      error: `Suggestions are for at most ${MAX_ASSETS} assets; ${assets.length} were given.`,
    };
  const seen = new Set<string>();
  for (const a of assets) {
    if (typeof a !== 'string' || a.trim() === '') return { ok: false, error: 'Every asset needs a code.' };
    const key = a.trim().toUpperCase();
    if (seen.has(key)) return { ok: false, error: `${a.trim()} is listed twice.` };
    seen.add(key);
  }
  const n = assets.length;
  const names = assets.map((a) => a.trim());
  if (method === 'equal') return finish(names, equalWeights(n));

  const name = methodNames[method];
  const have = returns && Number.isInteger(returns.periods) && returns.periods > 0 ? returns.periods : 0;
  if (returns === null || have < MIN_RETURNS)
    return {
      ok: false,
      error: `${name} needs at least ${MIN_RETURNS} returns per asset; there ${have === 1 ? 'is 1' : `are ${have}`}.`,
    };
  const { m, periods } = returns;
  if (!(m instanceof Float64Array) || m.length !== n * periods)
    return { ok: false, error: `The returns do not match the ${n} assets over ${periods} periods.` };
  for (let a = 0; a < n; a++)
    for (let t = 0; t < periods; t++)
      if (!Number.isFinite(m[a * periods + t]))
        return {
          ok: false,
          error: `${names[a]} has gaps in its returns, so ${name.toLowerCase()} cannot use it.`,
        };

  try {
    if (method === 'inverse-vol') {
      const sds = new Float64Array(n);
      for (let a = 0; a < n; a++) {
        const sd = sampleSd(m.subarray(a * periods, (a + 1) * periods));
        if (!(sd > 0))
          return {
            ok: false,
            error: `${names[a]} did not move over the window, so its volatility is 0 and inverse volatility cannot weigh it.`,
          };
        sds[a] = sd;
      }
      return finish(names, inverseVolatilityWeights(sds));
    }
    return finish(names, minimumVarianceWeights(covarianceMatrix(m, n, periods), n));
  } catch (e) {
    return {
      ok: false,
      error: `${name} could not be computed: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

function finish(assets: string[], weights: ArrayLike<number>): Suggestion {
  const texts = percentTexts(weights);
  if (!texts.ok) return texts;
  return { ok: true, targets: assets.map((asset, i) => ({ asset, weight: texts.texts[i]! })) };
}
