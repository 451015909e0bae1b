import type { TradingSnapshot } from '../trading/api.js';
import type { AlertEvaluator } from './evaluator.js';
import type { Liveness } from './liveness.js';
import type { AlertFiring } from './types.js';

/**
 * Turns the trading engine's snapshots into alert inputs: each fill (the evaluator drops fills it has
 * seen), a breaker trip when the breaker halts, and the drawdown below the equity peak when it changes.
 */
export class TradingObserver {
  private haltedAt: number | null = null;
  private drawdown: number | null = null;

  constructor(private readonly liveness: Liveness) {}

  observe(evaluator: AlertEvaluator, s: TradingSnapshot, now: number): AlertFiring[] {
    const out: AlertFiring[] = [];
    const fills = [...s.fills].sort((a, b) => a.time - b.time);
    for (const f of fills) out.push(...evaluator.fill(f, this.liveness.options(f.time, now)));
    const accountId = s.account?.id;
    const b = s.breaker;
    if (accountId && b?.halted && b.haltedAt !== null && b.haltedAt !== this.haltedAt && b.rule) {
      this.haltedAt = b.haltedAt;
      out.push(
        ...evaluator.risk(
          {
            kind: 'breaker-tripped',
            time: b.haltedAt,
            accountId,
            rule: b.rule,
            message: b.reason ?? '',
          },
          { live: true, now },
        ),
      );
    }
    const peak = Number(b?.equityPeak);
    if (accountId && s.equity !== null && Number.isFinite(peak) && peak > 0) {
      const dd = Math.max(0, (peak - s.equity) / peak);
      if (this.drawdown === null || Math.abs(dd - this.drawdown) > 1e-9) {
        this.drawdown = dd;
        out.push(
          ...evaluator.risk(
            {
              kind: 'drawdown',
              time: s.updatedAt,
              accountId,
              drawdown: dd,
              equity: String(s.equity),
              peak: b?.equityPeak ?? null,
            },
            { live: true, now },
          ),
        );
      }
    }
    return out;
  }
}
