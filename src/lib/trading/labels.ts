/** Words for the trading records the panels show, and accessible names for their buttons. */
import type {
  AlgoKind,
  AlgoRecord,
  AlgoStatus,
  AuditKind,
  OrderRecord,
  OrderStatus,
  OrderType,
  Side,
} from '$workers/api';

export const orderTypeLabels: Record<OrderType, string> = {
  market: 'Market',
  limit: 'Limit',
  'stop-market': 'Stop market',
  'stop-limit': 'Stop limit',
  'take-profit': 'Take profit',
  'take-profit-limit': 'Take profit limit',
  'trailing-stop': 'Trailing stop',
};

export const statusLabels: Record<OrderStatus, string> = {
  'pending-new': 'Sending',
  open: 'Open',
  'partially-filled': 'Partly filled',
  filled: 'Filled',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
  expired: 'Expired',
};

export const algoKindLabels: Record<AlgoKind, string> = {
  twap: 'TWAP',
  vwap: 'VWAP',
  iceberg: 'Iceberg',
  pov: 'POV',
};

export const algoStatusLabels: Record<AlgoStatus, string> = {
  running: 'Running',
  paused: 'Paused',
  cancelled: 'Cancelled',
  completed: 'Completed',
  failed: 'Failed',
};

export const auditKindLabels: Record<AuditKind, string> = {
  'order-accepted': 'Order accepted',
  'order-rejected': 'Order rejected',
  'order-sent': 'Order sent',
  'order-triggered': 'Order triggered',
  'order-filled': 'Order filled',
  'order-cancelled': 'Order cancelled',
  'order-expired': 'Order expired',
  'order-amended': 'Order amended',
  algo: 'Algo',
  halt: 'Trading halted',
  rearm: 'Re-armed',
  'kill-switch': 'Kill switch',
  account: 'Account',
  settings: 'Settings',
};

export const sideLabel = (s: Side): string => (s === 'buy' ? 'Buy' : 'Sell');

/** The group an order belongs to, in words ("OCO", "Bracket stop-loss", "TWAP child"). */
export function groupLabel(o: Pick<OrderRecord, 'group'>): string | null {
  const g = o.group;
  if (!g) return null;
  if (g.kind === 'oco') return 'OCO';
  if (g.kind === 'algo') return 'Algo child';
  return g.role === 'entry'
    ? 'Bracket entry'
    : g.role === 'take-profit'
      ? 'Bracket take-profit'
      : 'Bracket stop-loss';
}

/** "BTC/USDT limit buy": how buttons name the order they act on. */
export function orderName(o: Pick<OrderRecord, 'symbol' | 'type' | 'side'>): string {
  return `${o.symbol} ${orderTypeLabels[o.type].toLowerCase()} ${o.side}`;
}

/** "BTC/USDT TWAP buy". */
export function algoName(a: Pick<AlgoRecord, 'symbol' | 'kind' | 'side'>): string {
  return `${a.symbol} ${algoKindLabels[a.kind]} ${a.side}`;
}

/** Orders Lyra triggers or links itself, which need the app open: stops, trailing, OCO, bracket legs. */
export function isEmulatedOrder(o: Pick<OrderRecord, 'type' | 'group' | 'triggered'>): boolean {
  if (o.group && o.group.kind !== 'algo') return true;
  return o.type !== 'market' && o.type !== 'limit' && !o.triggered;
}

/** "BASE/QUOTE" -> [base, quote]. */
export function splitSymbol(symbol: string): [string, string] {
  const [base = symbol, quote = ''] = symbol.split('/');
  return [base, quote.split(':')[0] ?? ''];
}

const ruleLabels: Record<string, string> = {
  halted: 'Trading halt',
  'market-limits': 'Market rules (tick, lot, minimums)',
  'stale-data': 'Fresh market data',
  'price-band': 'Price band',
  'order-notional': 'Max order value',
  position: 'Max position value',
  'gross-exposure': 'Max total exposure',
  'open-orders': 'Max open orders',
  'daily-loss': 'Daily loss limit',
  balance: 'Balance',
  'reduce-only': 'Reduce-only',
  drawdown: 'Max drawdown',
  'consecutive-losses': 'Losing trades in a row',
  'kill-switch': 'Kill switch',
};

/** A risk rule's name in words ("order-notional" -> "Max order value"; unknown ones humanised). */
export function ruleLabel(rule: string | null | undefined): string {
  if (!rule) return '';
  const known = ruleLabels[rule];
  if (known) return known;
  const words = rule
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_.]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
