import { ResearchInputError } from './errors.js';
import type { BacktestConfig, Bars } from './types.js';

/** Slippage above this is almost certainly a unit mistake (bps typed as percent). */
const MAX_SLIPPAGE_BPS = 1000;
const MAX_FEE = 0.1;

function finite(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/**
 * Refuses a config the engine cannot honour, with the field and how to fix it. The bars are needed
 * because execution at the next open means nothing on close-only data.
 */
export function validateBacktestConfig(config: BacktestConfig, bars: Bars): void {
  const { capital, fee, execution, periodsPerYear } = config;
  if (!finite(capital) || capital <= 0)
    throw new ResearchInputError(
      'config.capital',
      `starting capital must be a positive number, got ${capital}: enter the cash the run starts with, e.g. 10000`,
    );
  if (!finite(fee) || fee < 0 || fee >= MAX_FEE)
    throw new ResearchInputError(
      'config.fee',
      `fee must be a fraction from 0 up to (not including) ${MAX_FEE}, got ${fee}: 0.1 % is 0.001`,
    );
  if (execution !== 'close' && execution !== 'next-open')
    throw new ResearchInputError(
      'config.execution',
      `execution must be 'close' or 'next-open', got ${JSON.stringify(execution)}`,
    );
  if (execution === 'next-open' && bars.closeOnly)
    throw new ResearchInputError('config.execution', 'close-only data has no opens: execute at the close');
  if (periodsPerYear !== null && (!finite(periodsPerYear) || periodsPerYear <= 0))
    throw new ResearchInputError(
      'config.periodsPerYear',
      `periods per year must be a positive number or null (inferred from the bars), got ${periodsPerYear}: daily stocks use 252`,
    );
  validateSlippage(config);
}

function validateSlippage({ slippage }: BacktestConfig): void {
  if (slippage === null || typeof slippage !== 'object')
    throw new ResearchInputError('config.slippage', "slippage is missing: use { model: 'none' }");
  switch (slippage.model) {
    case 'none':
      return;
    case 'bps':
      if (!finite(slippage.bps) || slippage.bps < 0 || slippage.bps > MAX_SLIPPAGE_BPS)
        throw new ResearchInputError(
          'config.slippage.bps',
          `slippage must be 0 to ${MAX_SLIPPAGE_BPS} basis points, got ${slippage.bps}: 5 bps is 0.05 %`,
        );
      return;
    case 'volume':
      if (!finite(slippage.impact) || slippage.impact < 0 || slippage.impact > 10)
        throw new ResearchInputError(
          'config.slippage.impact',
          `volume impact must be a number from 0 to 10, got ${slippage.impact}: 0.1 is a common start`,
        );
      if (
        !finite(slippage.fallbackBps) ||
        slippage.fallbackBps < 0 ||
        slippage.fallbackBps > MAX_SLIPPAGE_BPS
      )
        throw new ResearchInputError(
          'config.slippage.fallbackBps',
          `fallback slippage must be 0 to ${MAX_SLIPPAGE_BPS} basis points, got ${slippage.fallbackBps}`,
        );
      return;
    default:
      throw new ResearchInputError(
        'config.slippage.model',
        `unknown slippage model ${JSON.stringify((slippage as { model: unknown }).model)}: use 'none', 'bps' or 'volume'`,
      );
  }
}
