/** Words and numbers for the "Live vs paper" view: how live fills compared with their paper twins. */
import type { DivergenceReport } from '$workers/api';
import { Decimal } from '../../../workers/money/decimal';
import { formatDecimalText } from './decimal-text';

/** Below this a difference in bps reads as "the same" (a tenth of a basis point rounds to zero). */
const sameBps = 0.05;

/** "3.2", "0.4": basis points with one decimal, unsigned. */
export function formatBps(bps: number | null): string {
  if (bps === null || !Number.isFinite(bps)) return '–';
  const rounded = Math.round(bps * 10) / 10;
  return `${rounded < 0 ? '−' : ''}${Math.abs(rounded).toFixed(1)}`;
}

/** "120 ms", "3.4 s", "2.5 min", "1.2 h": how long a fill took. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  const v = Math.max(0, ms);
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(1)} s`;
  if (v < 3_600_000) return `${(v / 60_000).toFixed(1)} min`;
  return `${(v / 3_600_000).toFixed(1)} h`;
}

/**
 * The aggregate as one plain sentence, e.g. "Live fills were 3.2 bps worse than paper on average; fees
 * 0.8 USDT higher." Null when there is nothing to say yet (no live order has a twin).
 */
export function divergenceSummary(report: DivergenceReport): string | null {
  const { aggregate: a } = report;
  if (a.orders === 0) return null;
  const parts: string[] = [];
  const d = a.slippageDiffBps;
  if (d === null) parts.push('No live order has filled next to a filled paper twin yet');
  else if (Math.abs(d) < sameBps) parts.push('Live fills matched paper on average');
  else
    parts.push(
      `Live fills were ${formatBps(Math.abs(d))} bps ${d > 0 ? 'worse' : 'better'} than paper on average`,
    );
  const fees = a.fees.map((f) => {
    const diff = Decimal.from(f.diff);
    if (diff.isZero()) return `fees in ${f.asset} the same`;
    return `fees ${formatDecimalText(diff.abs().toString())} ${f.asset} ${diff.isPositive() ? 'higher' : 'lower'}`;
  });
  let sentence = [parts[0], ...fees].join('; ') + '.';
  const oneSided: string[] = [];
  if (a.paperOnly)
    oneSided.push(`paper would have filled ${plural(a.paperOnly, 'order')} that did not fill live`);
  if (a.liveOnly)
    oneSided.push(`${plural(a.liveOnly, 'order')} filled live that paper would not have filled`);
  if (oneSided.length) sentence += ` ${capitalize(oneSided.join('; '))}.`;
  return sentence;
}

/** Bars for the chart: one per order that both filled, live minus paper slippage, oldest first. */
export function slippageBars(
  report: DivergenceReport,
  limit = 30,
): Array<{ orderId: string; label: string; bps: number }> {
  return report.rows
    .filter((r) => r.slippageDiffBps !== null)
    .slice(0, limit)
    .reverse()
    .map((r) => ({
      orderId: r.orderId,
      label: `${r.side === 'buy' ? 'Buy' : 'Sell'} ${r.amount} ${r.symbol}`,
      bps: r.slippageDiffBps as number,
    }));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
