/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import type { EngineApi } from './api.js';
import { createMarketSource } from './exchange/exchanges.js';
import type { MarketEvent, MarketListener } from './market/events.js';
import { MarketService } from './market/market-service.js';
import { asData } from './shared/as-data.js';
import { LyraDb } from './store/db.js';
import { MarketStore } from './store/market-store.js';
import { LeaderLink } from './trading/leadership.js';
import { TradingService } from './trading/trading-service.js';
import { TradingStore } from './trading/trading-store.js';
import { DexieTwinStore } from './trading/twin/twin-store.js';
import type { TradingListener } from './trading/api.js';
import type { ConnectionTester, VaultListener } from './vault/api.js';
import { VaultService } from './vault/vault-service.js';
import { connectionFor } from './trading/live/account-connection.js';
import { Dexie } from 'dexie';
import { AutoBackup, touchesBackedUpTable } from './sync/auto-backup.js';
import { BackupService } from './sync/backup-service.js';
import { httpTransport } from './sync/backup-transport.js';
import { deviceName } from './sync/device-name.js';
import type { BackupListener } from './sync/api.js';
import type { StrategyRunListener } from './trading/strategies/api.js';
import { testConnection as testAccountConnection } from './trading/live/connection-test.js';
import { PortfolioService } from './trading/portfolio/portfolio-service.js';
import { StrategyRunService } from './trading/strategies/strategy-run-service.js';
import type { EngineParts } from './engine-parts.js';
import { createAlertsApi } from './alerts/handlers.js';
import { createReportsApi } from './reports/handlers.js';
import { createDataApi } from './data/handlers.js';
import { createAuditApi } from './audit/handlers.js';
import { createMonitorApi } from './monitor/handlers.js';

// The worker's edge: comlink lives here and in src/lib/engine, nowhere else.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const db = new LyraDb();
const marketStore = new MarketStore(db);
const market = new MarketService({
  store: marketStore,
  createSource: createMarketSource,
  online: scope.navigator.onLine,
});
scope.addEventListener('online', () => market.setOnline(true));
scope.addEventListener('offline', () => market.setOnline(false));

// One signed read through the relay, with the credentials the user typed, before the vault keeps them.
const testConnection: ConnectionTester = async (draft, credentials) => {
  const result = await testAccountConnection(connectionFor(draft, credentials, scope.location.origin));
  // The vault shows what is free to trade.
  return result.ok ? { ok: true, balances: result.balances.free } : result;
};
// The unlocked vault lives here, in the trading worker; the trading side reads credentials through it.
const vault = new VaultService({ db, testConnection });

const link = new LeaderLink(new BroadcastChannel('lyra-trading'), crypto.randomUUID());
const trading = new TradingService({
  store: new TradingStore(db),
  market: market.access(),
  link,
  live: { credentials: vault, accounts: () => vault.listAccounts(), origin: scope.location.origin },
  twins: new DexieTwinStore(db),
});
// Holdings, performance and risk from what is stored, valued with the marks this worker has.
const portfolio = new PortfolioService({ db, trading, market: market.access() });
trading.accountEvents = portfolio.recorder;
// Strategies running live: the leader tab runs them through the trading engine; every tab lists them.
const strategies = new StrategyRunService({ db, trading, market: market.access() });

// Backups go to this origin's server; only one tab's engine runs the automatic ones (Web Locks).
const backups = new BackupService({
  db,
  transport: httpTransport(scope.location.origin),
  vault,
  locks: scope.navigator.locks ?? null,
  deviceName: deviceName(scope.navigator.userAgent),
  holdWrites: (hold) => marketStore.holdCandleWrites(hold),
});
const autoBackup = new AutoBackup(backups, () => scope.navigator.onLine, {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
});
Dexie.on('storagemutated', (parts) => {
  if (touchesBackedUpTable(parts, db.name)) autoBackup.markDirty();
});
scope.addEventListener('online', () => void autoBackup.pass());
autoBackup.start();

// A lock drops the live connection at once; an unlock reconnects the account in use.
vault.subscribe((event) => {
  if (event.type === 'status') trading.vaultChanged(event.status);
  // The backup key is derived at unlock and kept (non-extractable) for automatic backups.
  if (event.type === 'status' && event.status.state === 'unlocked') void backups.vaultUnlocked();
});
let tradingStarted: Promise<void> | null = null;

function startTrading(exchange: string): void {
  if (tradingStarted) return;
  tradingStarted = trading.start(exchange).then(() => {
    portfolio.start();
    // One tab leads (Web Locks); the lock is freed when this worker's tab closes.
    link.campaign(
      scope.navigator.locks ?? null,
      `lyra-trading-leader:${exchange}`,
      () => void trading.lead(),
    );
  });
}

function buffersOf(events: MarketEvent[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const e of events) {
    if (e.type === 'book') out.push(e.book.bids.buffer as ArrayBuffer, e.book.asks.buffer as ArrayBuffer);
    else if (e.type === 'candles')
      for (const col of Object.values(e.candles)) out.push(col.buffer as ArrayBuffer);
  }
  return [...new Set(out)];
}

let listenerCount = 0;

const parts: EngineParts = {
  db,
  market,
  marketStore,
  trading,
  portfolio,
  origin: scope.location.origin,
  online: () => scope.navigator.onLine,
};

const api: EngineApi = {
  market: {
    start: (exchange) =>
      asData(async () => {
        const result = await market.start(exchange);
        startTrading(exchange.id);
        return result;
      }),
    focus: (symbol, timeframe) => asData(() => market.focus(symbol, timeframe)),
    setOnline: (online) => asData(() => market.setOnline(online === true)),
    subscribe: (listener: MarketListener) =>
      asData(() => {
        listenerCount++;
        // Typed arrays move (transfer) rather than copy when there is only one page to deliver to.
        return market.subscribe(
          (events) =>
            void listener(listenerCount === 1 ? Comlink.transfer(events, buffersOf(events)) : events),
        );
      }),
    unsubscribe: (id) =>
      asData(() => {
        listenerCount = Math.max(0, listenerCount - 1);
        market.unsubscribe(id);
      }),
    storage: () => asData(() => market.storage()),
    clearCache: () => asData(() => market.clearCache()),
  },
  trading: {
    subscribe: (listener: TradingListener) => asData(() => trading.subscribe((e) => void listener(e))),
    unsubscribe: (id) => asData(() => trading.unsubscribe(id)),
    preview: (r) => asData(() => trading.preview(r)),
    place: (r, id) => asData(() => trading.place(r, id)),
    cancel: (id) => asData(() => trading.cancel(id)),
    amend: (id, change) => asData(() => trading.amend(id, change)),
    closePosition: (symbol) => asData(() => trading.closePosition(symbol)),
    pauseAlgo: (id) => asData(() => trading.pauseAlgo(id)),
    resumeAlgo: (id) => asData(() => trading.resumeAlgo(id)),
    cancelAlgo: (id) => asData(() => trading.cancelAlgo(id)),
    killSwitch: (o) => asData(() => trading.killSwitch(o)),
    rearm: () => asData(() => trading.rearm()),
    setLimits: (input) => asData(() => trading.setLimits(input)),
    configurePaper: (s) => asData(() => trading.configurePaper(s)),
    resetPaper: () => asData(() => trading.resetPaper()),
    audit: (f) => asData(() => trading.audit(f)),
    size: (r) => asData(() => trading.size(r)),
    tradingAccounts: () => asData(() => trading.tradingAccounts()),
    useAccount: (id) => asData(() => trading.useAccount(id)),
    divergence: () => asData(() => trading.divergence()),
  },
  vault: {
    status: () => asData(() => vault.status()),
    setup: (passphrase) => asData(() => vault.setup(passphrase)),
    unlock: (secret) => asData(() => vault.unlock(secret)),
    lock: () => asData(() => vault.lock('user')),
    touch: () => asData(() => vault.touch()),
    setAutoLockMinutes: (minutes) => asData(() => vault.setAutoLockMinutes(minutes)),
    changePassphrase: (current, next) => asData(() => vault.changePassphrase(current, next)),
    addPasskey: (input) => asData(() => vault.addPasskey(input)),
    removePasskey: (id) => asData(() => vault.removePasskey(id)),
    newRecoveryKey: (proof) => asData(() => vault.newRecoveryKey(proof)),
    exchanges: () => asData(() => vault.exchanges()),
    credentialFields: (exchange) => asData(() => vault.credentialFields(exchange)),
    addAccount: (input) => asData(() => vault.addAccount(input)),
    listAccounts: () => asData(() => vault.listAccounts()),
    renameAccount: (id, label) => asData(() => vault.renameAccount(id, label)),
    removeAccount: (id) => asData(() => vault.removeAccount(id)),
    subscribe: (listener: VaultListener) => asData(() => vault.subscribe((e) => void listener(e))),
    unsubscribe: (id) => asData(() => vault.unsubscribe(id)),
  },
  backups: {
    status: () => asData(() => backups.status()),
    configure: (settings) => asData(() => backups.configure(settings)),
    backupNow: () => asData(() => backups.backupNow()),
    cancel: () => asData(() => backups.cancel()),
    versions: () => asData(() => backups.versions()),
    verify: (id) => asData(() => backups.verify(id)),
    previewRestore: (id) => asData(() => backups.previewRestore(id)),
    restore: (id) => asData(() => backups.restore(id)),
    deleteVersion: (id, withDependents) => asData(() => backups.deleteVersion(id, withDependents)),
    keyOptions: () => asData(() => backups.keyOptions()),
    unlockBackups: (secret) => asData(() => backups.unlockBackups(secret)),
    subscribe: (listener: BackupListener) => asData(() => backups.subscribe((e) => void listener(e))),
    unsubscribe: (id) => asData(() => backups.unsubscribe(id)),
  },
  portfolio: {
    portfolio: (o) => asData(() => portfolio.portfolio(o)),
    risk: (o) => asData(() => portfolio.risk(o)),
    executive: (o) => asData(() => portfolio.executive(o)),
    recordFlow: (input) => asData(() => portfolio.recordFlow(input)),
    removeFlow: (id) => asData(() => portfolio.removeFlow(id)),
    suggestTargets: (method, assets, o) => asData(() => portfolio.suggestTargets(method, assets, o)),
    planRebalance: (input) => asData(() => portfolio.planRebalance(input)),
    executeRebalance: (plan, mode) => asData(() => portfolio.executeRebalance(plan, mode)),
    quotes: () => asData(() => portfolio.quotes()),
  },
  strategies: {
    subscribe: (listener: StrategyRunListener) => asData(() => strategies.subscribe((e) => void listener(e))),
    unsubscribe: (id) => asData(() => strategies.unsubscribe(id)),
    start: (request) => asData(() => strategies.start(request)),
    stop: (id) => asData(() => strategies.stop(id)),
    runs: () => asData(() => strategies.runs()),
    compare: (id) => asData(() => strategies.compare(id)),
    downloadHistory: (request, jobId, onProgress) =>
      asData(() =>
        strategies.downloadHistory(request, jobId, onProgress ? (p) => void onProgress(p) : undefined),
      ),
    cancelDownload: (jobId) => asData(() => strategies.cancelDownload(jobId)),
  },
  alerts: createAlertsApi(parts),
  reports: createReportsApi(parts),
  data: createDataApi(parts),
  audit: createAuditApi(parts),
  monitor: createMonitorApi(parts),
};

Comlink.expose(api);
