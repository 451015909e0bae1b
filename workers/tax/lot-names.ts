import type { Trade } from './types.js';

/**
 * Names each buy's lot, as the reference does: the buy's own `lot` when the input gives one, else
 * 'L<n>' for the n-th buy in date order (file order within a day), counted across every account and
 * asset so names stay unique in a report. A generated name that the input gave to another buy falls
 * back to 'L<n>-<trade id>'.
 */
export function lotNames(buysInOrder: readonly Trade[]): Map<Trade, string> {
  const given = new Set(buysInOrder.map((t) => t.lot).filter((l): l is string => l !== null));
  const names = new Map<Trade, string>();
  const used = new Set(given);
  buysInOrder.forEach((trade, k) => {
    if (trade.lot !== null) {
      names.set(trade, trade.lot);
      return;
    }
    let name = `L${k + 1}`;
    if (used.has(name)) name = `L${k + 1}-${String(trade.id)}`;
    while (used.has(name)) name += "'";
    used.add(name);
    names.set(trade, name);
  });
  return names;
}
