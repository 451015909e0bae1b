import type { TradeId } from './types.js';

/** One thing wrong with one trade (or with the options when `index` is null). */
export interface TaxProblem {
  /** Position of the trade in the input (0-based), so a caller can map it back to a file line. */
  index: number | null;
  id: TradeId | null;
  /** The trade field (`qty`, `date`, ...) or option (`timeZone`, `method`, ...) at fault. */
  field: string;
  message: string;
}

/**
 * Input the tax engine refuses. It carries every problem found rather than the first, so a file can be
 * fixed in one pass; the message lists the first few.
 */
export class TaxInputError extends Error {
  override readonly name = 'TaxInputError';
  constructor(readonly problems: TaxProblem[]) {
    super(describeProblems(problems));
  }
}

const SHOWN = 5;

export function describeProblem(p: TaxProblem): string {
  const who = p.id === null ? '' : `trade ${String(p.id)}: `;
  return `${who}${p.field}: ${p.message}`;
}

function describeProblems(problems: TaxProblem[]): string {
  const lines = problems.slice(0, SHOWN).map(describeProblem);
  if (problems.length > SHOWN) lines.push(`(and ${problems.length - SHOWN} more)`);
  return lines.join('\n');
}
