/**
 * Which IndexedDB tables a backup holds: everything the user made or owns. Market caches (markets,
 * books, tickers, tapes) come back from the exchange; the backup's own bookkeeping is per device.
 * Candles are kept: exchanges serve only so much history, and backtests depend on it. The portfolio's
 * cache of running totals is rebuilt from the fills, so it stays on the device.
 */
export const backedUpTables = [
  'settings',
  'accounts',
  'orders',
  'fills',
  'positions',
  'closedTrades',
  'algos',
  'audit',
  'tradingState',
  'twins',
  'vaultKeys',
  'exchangeAccounts',
  'vaultState',
  'candleBlocks',
  'equityBlocks',
  'cashFlows',
  'datasets',
  'strategyRuns',
  'alerts',
  'alertFirings',
  'imports',
  'importedFills',
] as const;

export const notBackedUp = [
  'markets',
  'books',
  'tickers',
  'tapes',
  'syncState',
  'backupOutbox',
  'portfolioCache',
] as const;

export type BackedUpTable = (typeof backedUpTables)[number];
