/** The candle chart's overlay for one symbol: open orders as price lines, recent fills as markers. */
import type { CandleOverlay, OverlayFill, OverlayLine } from '$lib/charts/candle-overlay';
import type { FillRecord, OrderRecord } from '$workers/api';
import { Decimal } from '../../../workers/money/decimal';
import { formatDecimalText } from './decimal-text';

const MAX_FILLS = 300;

function num(text: string | null): number | null {
  if (text === null) return null;
  const v = Number(text);
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** Amount still open (amount − filled), exact. */
export function remaining(o: Pick<OrderRecord, 'amount' | 'filled'>): string {
  const a = Decimal.tryFrom(o.amount);
  const f = Decimal.tryFrom(o.filled);
  return a && f ? a.sub(f).toString() : o.amount;
}

export function chartOverlay(
  symbol: string,
  orders: readonly OrderRecord[],
  fills: readonly FillRecord[],
): CandleOverlay {
  const lines: OverlayLine[] = [];
  for (const o of orders) {
    if (o.symbol !== symbol) continue;
    const side = o.side === 'buy' ? 'Buy' : 'Sell';
    const amount = formatDecimalText(remaining(o));
    const trigger = num(o.stopPrice);
    if (trigger !== null && !o.triggered) {
      const what = o.type === 'trailing-stop' ? 'Trail' : o.type.startsWith('take-profit') ? 'TP' : 'Stop';
      lines.push({
        price: trigger,
        side: o.side,
        kind: 'trigger',
        label: `${what} ${side.toLowerCase()} ${amount}`,
      });
    }
    const limit = num(o.price);
    if (limit !== null) lines.push({ price: limit, side: o.side, kind: 'limit', label: `${side} ${amount}` });
  }
  const out: OverlayFill[] = [];
  for (const f of fills) {
    if (f.symbol !== symbol) continue;
    const price = num(f.price);
    if (price === null) continue;
    out.push({ time: f.time, price, side: f.side });
    if (out.length >= MAX_FILLS) break;
  }
  return { lines, fills: out };
}
