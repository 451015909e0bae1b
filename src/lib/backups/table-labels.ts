import type { BackupVersion } from '$workers/api';

/** What each backed-up table is called on screen. */
export const tableLabels: Record<string, string> = {
  settings: 'Settings',
  accounts: 'Paper accounts',
  orders: 'Orders',
  fills: 'Fills',
  positions: 'Positions',
  closedTrades: 'Closed trades',
  algos: 'Algos',
  audit: 'Audit log',
  tradingState: 'Trading state',
  twins: 'Paper twins',
  vaultKeys: 'Vault keys',
  exchangeAccounts: 'Exchange accounts',
  vaultState: 'Vault settings',
  candleBlocks: 'Candle blocks',
  equityBlocks: 'Equity history',
  cashFlows: 'Deposits and withdrawals',
  datasets: 'Research datasets',
  strategyRuns: 'Strategy runs',
  alerts: 'Alerts',
  alertFirings: 'Alert history',
  imports: 'Imported files',
  importedFills: 'Imported trades',
};

export function tableLabel(name: string): string {
  return tableLabels[name] ?? name;
}

/** Versions that build on `id` (directly or through others): a delete takes them too. */
export function dependentsOf(id: string, versions: readonly BackupVersion[]): number {
  const children = new Map<string, string[]>();
  for (const v of versions) {
    if (v.parentId) children.set(v.parentId, [...(children.get(v.parentId) ?? []), v.id]);
  }
  let count = 0;
  const stack = [...(children.get(id) ?? [])];
  while (stack.length) {
    const next = stack.pop()!;
    count++;
    stack.push(...(children.get(next) ?? []));
  }
  return count;
}
