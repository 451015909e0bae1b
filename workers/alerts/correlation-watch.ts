import { correlationShocks, type CorrelationShockPair } from '../research/stats/correlation-shocks.js';
import type { AlertSpec } from './types.js';

/** The portfolio's correlations as the risk screen computes them: EWMA against the long-run Pearson. */
export interface CorrelationSource {
  (): Promise<{ assets: string[]; ewma: Float64Array; pearson: Float64Array } | null>;
}

/** How often correlations are recomputed while a correlation alert is on: they move with closed bars. */
export const CORRELATION_EVERY_MS = 5 * 60_000;

/**
 * Feeds correlation-shock alerts. Only while at least one is enabled, at most every `everyMs`, it asks
 * the portfolio for its correlations and hands every pair (not only those past a threshold: an alert
 * needs to see a pair calm down to re-arm) to `deliver`. A failed or insufficient computation waits for
 * the next turn; the risk screen says why.
 */
export class CorrelationWatch {
  private lastAt: number | null = null;
  private running = false;

  constructor(
    private readonly source: CorrelationSource,
    private readonly deliver: (pairs: readonly CorrelationShockPair[], time: number) => void,
    private readonly everyMs = CORRELATION_EVERY_MS,
  ) {}

  async tick(alerts: readonly AlertSpec[], now: number): Promise<void> {
    if (this.running || !alerts.some(wantsCorrelation)) return;
    if (this.lastAt !== null && now - this.lastAt < this.everyMs) return;
    this.running = true;
    this.lastAt = now;
    try {
      const report = await this.source();
      // A threshold below zero keeps every defined pair, also one with no change at all: that is the
      // pair calming down, which re-arms its alert (a pair missing from an event keeps its state).
      if (report && report.assets.length >= 2)
        this.deliver(correlationShocks(report.assets, report.ewma, report.pearson, -1), now);
    } catch {
      // Too little history or no priced assets yet: the next turn tries again.
    } finally {
      this.running = false;
    }
  }
}

function wantsCorrelation(s: AlertSpec): boolean {
  return s.kind === 'risk' && s.event === 'correlation-shock' && s.enabled !== false;
}
