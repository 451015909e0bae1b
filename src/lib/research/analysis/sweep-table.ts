/** The sweep's table of cells: which columns it sorts by and the order of rows. */
import type { SweepCell } from '$workers/api';

/** A metric column, or a param column as `param:<name>`. */
export type SweepSortKey =
  | 'score'
  | 'total_return'
  | 'max_drawdown'
  | 'trades'
  | 'pValue'
  | 'pBonferroni'
  | 'pHolm'
  | `param:${string}`;

export type SortDirection = 'asc' | 'desc';

export interface SweepSort {
  key: SweepSortKey;
  dir: SortDirection;
}

/** A column's value in a cell; NaN when the cell has none (a failed run, an undefined ratio). */
export function sortValue(cell: SweepCell, key: SweepSortKey): number {
  if (key.startsWith('param:')) {
    const v = cell.params[key.slice(6)];
    return typeof v === 'number' ? v : NaN;
  }
  switch (key) {
    case 'score':
      return cell.score;
    case 'total_return':
      return cell.metrics.total_return;
    case 'max_drawdown':
      return cell.metrics.max_drawdown;
    case 'trades':
      return cell.metrics.trades;
    case 'pValue':
      return cell.pValue;
    case 'pBonferroni':
      return cell.pBonferroni;
    case 'pHolm':
      return cell.pHolm;
    default:
      throw new Error(`Unknown sweep column "${key}"; sort by a metric, a p-value or param:<name>.`);
  }
}

/**
 * Indexes into `cells` in the sort's order. Cells without a value (NaN) go last whichever the direction,
 * so the best and the worst real results stay at the top; ties keep the sweep's order.
 */
export function sortCells(cells: readonly SweepCell[], sort: SweepSort): number[] {
  const values = cells.map((c) => sortValue(c, sort.key));
  const sign = sort.dir === 'asc' ? 1 : -1;
  return cells
    .map((_, i) => i)
    .sort((a, b) => {
      const va = values[a] as number;
      const vb = values[b] as number;
      const na = Number.isNaN(va);
      const nb = Number.isNaN(vb);
      if (na || nb) return na === nb ? a - b : na ? 1 : -1;
      if (va === vb) return a - b;
      return va < vb ? -sign : sign;
    });
}

/** A click on a header: the same column flips, a new one starts with its natural direction. */
export function nextSort(current: SweepSort, key: SweepSortKey): SweepSort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  // Low is good for p-values and drawdown, and params read best in ascending order.
  const ascending =
    key === 'pValue' ||
    key === 'pBonferroni' ||
    key === 'pHolm' ||
    key === 'max_drawdown' ||
    key.startsWith('param:');
  return { key, dir: ascending ? 'asc' : 'desc' };
}

/** A p-value: "0.0123", tiny ones as "< 0.0001", missing as "—". */
export function formatPValue(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p < 0.0001) return '< 0.0001';
  return p.toFixed(4);
}
