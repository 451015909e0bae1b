import * as Comlink from 'comlink';
import type {
  BackupApi,
  BackupListener,
  EngineError,
  ExchangeConfig,
  MarketApi,
  MarketListener,
  PortfolioApi,
  ProgressListener,
  ResearchApi,
  StartResult,
  StrategyRunListener,
  StrategyRunsApi,
  StorageReport,
  Timeframe,
  TradingApi,
  TradingListener,
  UnlockSecret,
  VaultApi,
  VaultListener,
  AlertsApi,
  ReportsApi,
  DataApi,
  AuditApi,
  MonitorApi,
} from '$workers/api';
import { alertsClient, type AlertsClient } from './alerts-client';
import { reportsClient, type ReportsClient } from './reports-client';
import { dataClient, type DataClient } from './data-client';
import { auditClient, type AuditClient } from './audit-client';
import { monitorClient, type MonitorClient } from './monitor-client';

/**
 * The UI's only door to the engine. Comlink stays here: screens call typed async functions and get
 * EngineError data back when something fails.
 */
export interface Engine {
  market: {
    start(exchange: ExchangeConfig): Promise<StartResult>;
    focus(symbol: string, timeframe: Timeframe): Promise<void>;
    setOnline(online: boolean): Promise<void>;
    subscribe(listener: MarketListener): Promise<() => void>;
    storage(): Promise<StorageReport>;
    clearCache(): Promise<void>;
  };
  /** Orders, positions, risk. Same calls as the worker's TradingApi; subscribe returns an unsubscribe. */
  trading: Omit<TradingApi, 'subscribe' | 'unsubscribe'> & {
    subscribe(listener: TradingListener): Promise<() => void>;
  };
  /** The key vault. Passkey PRF bytes are transferred, not copied: the page's buffer is detached. */
  vault: Omit<VaultApi, 'subscribe' | 'unsubscribe'> & {
    subscribe(listener: VaultListener): Promise<() => void>;
  };
  /** Encrypted backups. Like the vault, a passkey's PRF bytes are transferred on unlock. */
  backups: Omit<BackupApi, 'subscribe' | 'unsubscribe'> & {
    subscribe(listener: BackupListener): Promise<() => void>;
  };
  /** Holdings, performance, risk, rebalancing and the executive KPIs, computed in the worker. */
  portfolio: PortfolioApi;
  /**
   * Backtests, sweeps, walk-forward, Monte Carlo and datasets, in the research worker (which spreads
   * sweeps over a pool). Progress listeners are proxied; `cancel(jobId)` stops a job.
   */
  research: ResearchApi;
  /** Strategies running live in the trading worker, and history downloads from the exchange. */
  strategies: Omit<StrategyRunsApi, 'subscribe' | 'unsubscribe'> & {
    subscribe(listener: StrategyRunListener): Promise<() => void>;
  };
  alerts: AlertsClient;
  reports: ReportsClient;
  data: DataClient;
  audit: AuditClient;
  monitor: MonitorClient;
}

/** A progress listener crosses to the worker as a proxy; none stays none. */
function progress(listener: ProgressListener | undefined): ProgressListener | undefined {
  return listener ? Comlink.proxy(listener) : undefined;
}

let researchRemote: Comlink.Remote<ResearchApi> | null = null;

/** The research worker starts on first use: most sessions never open the backtest screen. */
function research(): Comlink.Remote<ResearchApi> {
  researchRemote ??= Comlink.wrap<ResearchApi>(
    new Worker(new URL('../../../workers/research.worker.ts', import.meta.url), {
      type: 'module',
      name: 'lyra-research',
    }),
  );
  return researchRemote;
}

/** Moves a secret's bytes to the worker; afterwards the page's copy is an empty, detached buffer. */
function transferSecret<T extends UnlockSecret>(secret: T): T {
  return secret.kind === 'passkey' ? Comlink.transfer(secret, [secret.prfOutput.buffer]) : secret;
}

let instance: Engine | null = null;

export function isEngineError(x: unknown): x is EngineError {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as EngineError).code === 'string' &&
    typeof (x as EngineError).message === 'string'
  );
}

/** Anything thrown across the boundary, as an EngineError. */
export function toEngineError(e: unknown): EngineError {
  if (isEngineError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'ui', message, retryable: false };
}

export function engine(): Engine {
  if (instance) return instance;
  const worker = new Worker(new URL('../../../workers/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'lyra-engine',
  });
  const remote = Comlink.wrap<{
    market: MarketApi;
    trading: TradingApi;
    vault: VaultApi;
    backups: BackupApi;
    portfolio: PortfolioApi;
    strategies: StrategyRunsApi;
    alerts: AlertsApi;
    reports: ReportsApi;
    data: DataApi;
    audit: AuditApi;
    monitor: MonitorApi;
  }>(worker);
  // Comlink proxies nested property paths at runtime; its types only model them for proxy-marked values.
  const market = remote.market as unknown as Comlink.Remote<MarketApi>;
  const t = remote.trading as unknown as Comlink.Remote<TradingApi>;
  const v = remote.vault as unknown as Comlink.Remote<VaultApi>;
  const b = remote.backups as unknown as Comlink.Remote<BackupApi>;
  const p = remote.portfolio as unknown as Comlink.Remote<PortfolioApi>;
  const s = remote.strategies as unknown as Comlink.Remote<StrategyRunsApi>;
  instance = {
    market: {
      start: (exchange) => market.start(exchange),
      focus: (symbol, timeframe) => market.focus(symbol, timeframe),
      setOnline: (online) => market.setOnline(online),
      async subscribe(listener) {
        const id = await market.subscribe(Comlink.proxy(listener));
        return () => void market.unsubscribe(id);
      },
      storage: () => market.storage(),
      clearCache: () => market.clearCache(),
    },
    trading: {
      async subscribe(listener) {
        const id = await t.subscribe(Comlink.proxy(listener));
        return () => void t.unsubscribe(id);
      },
      preview: (r) => t.preview(r),
      place: (r, id) => t.place(r, id),
      cancel: (id) => t.cancel(id),
      amend: (id, change) => t.amend(id, change),
      closePosition: (symbol) => t.closePosition(symbol),
      pauseAlgo: (id) => t.pauseAlgo(id),
      resumeAlgo: (id) => t.resumeAlgo(id),
      cancelAlgo: (id) => t.cancelAlgo(id),
      killSwitch: (o) => t.killSwitch(o),
      rearm: () => t.rearm(),
      setLimits: (input) => t.setLimits(input),
      configurePaper: (s) => t.configurePaper(s),
      resetPaper: () => t.resetPaper(),
      audit: (f) => t.audit(f),
      size: (r) => t.size(r),
      tradingAccounts: () => t.tradingAccounts(),
      useAccount: (id) => t.useAccount(id),
      divergence: () => t.divergence(),
    },
    vault: {
      async subscribe(listener) {
        const id = await v.subscribe(Comlink.proxy(listener));
        return () => void v.unsubscribe(id);
      },
      status: () => v.status(),
      setup: (passphrase) => v.setup(passphrase),
      unlock: (secret) => v.unlock(transferSecret(secret)),
      lock: () => v.lock(),
      touch: () => v.touch(),
      setAutoLockMinutes: (minutes) => v.setAutoLockMinutes(minutes),
      changePassphrase: (current, next) => v.changePassphrase(transferSecret(current), next),
      addPasskey: (input) =>
        v.addPasskey(
          Comlink.transfer(input, [
            input.prfOutput.buffer,
            ...(input.proof.kind === 'passkey' ? [input.proof.prfOutput.buffer] : []),
          ]),
        ),
      removePasskey: (id) => v.removePasskey(id),
      newRecoveryKey: (proof) => v.newRecoveryKey(transferSecret(proof)),
      exchanges: () => v.exchanges(),
      credentialFields: (exchange) => v.credentialFields(exchange),
      addAccount: (input) => v.addAccount(input),
      listAccounts: () => v.listAccounts(),
      renameAccount: (id, label) => v.renameAccount(id, label),
      removeAccount: (id) => v.removeAccount(id),
    },
    backups: {
      async subscribe(listener) {
        const id = await b.subscribe(Comlink.proxy(listener));
        return () => void b.unsubscribe(id);
      },
      status: () => b.status(),
      configure: (settings) => b.configure(settings),
      backupNow: () => b.backupNow(),
      cancel: () => b.cancel(),
      versions: () => b.versions(),
      verify: (id) => b.verify(id),
      previewRestore: (id) => b.previewRestore(id),
      restore: (id) => b.restore(id),
      deleteVersion: (id, withDependents) => b.deleteVersion(id, withDependents),
      keyOptions: () => b.keyOptions(),
      unlockBackups: (secret) => b.unlockBackups(transferSecret(secret)),
    },
    portfolio: {
      portfolio: (o) => p.portfolio(o),
      risk: (o) => p.risk(o),
      executive: (o) => p.executive(o),
      recordFlow: (input) => p.recordFlow(input),
      removeFlow: (id) => p.removeFlow(id),
      suggestTargets: (method, assets, o) => p.suggestTargets(method, assets, o),
      planRebalance: (input) => p.planRebalance(input),
      executeRebalance: (plan, mode) => p.executeRebalance(plan, mode),
      quotes: () => p.quotes(),
    },
    research: {
      datasets: () => research().datasets(),
      importCsv: (text, options) => research().importCsv(text, options),
      deleteDataset: (id) => research().deleteDataset(id),
      bars: (id) => research().bars(id),
      strategies: () => research().strategies(),
      indicators: () => research().indicators(),
      backtest: (r, job, on) => research().backtest(r, job, progress(on)),
      estimateSweep: (r) => research().estimateSweep(r),
      sweep: (r, job, on) => research().sweep(r, job, progress(on)),
      walkForward: (r, job, on) => research().walkForward(r, job, progress(on)),
      monteCarlo: (r, job, on) => research().monteCarlo(r, job, progress(on)),
      lookahead: (r, job, on) => research().lookahead(r, job, progress(on)),
      cancel: (job) => research().cancel(job),
    },
    strategies: {
      async subscribe(listener) {
        const id = await s.subscribe(Comlink.proxy(listener));
        return () => void s.unsubscribe(id);
      },
      start: (r) => s.start(r),
      stop: (id) => s.stop(id),
      runs: () => s.runs(),
      compare: (id) => s.compare(id),
      downloadHistory: (r, job, on) => s.downloadHistory(r, job, progress(on)),
      cancelDownload: (job) => s.cancelDownload(job),
    },
    alerts: alertsClient(remote.alerts as unknown as Comlink.Remote<AlertsApi>),
    reports: reportsClient(remote.reports as unknown as Comlink.Remote<ReportsApi>),
    data: dataClient(remote.data as unknown as Comlink.Remote<DataApi>),
    audit: auditClient(remote.audit as unknown as Comlink.Remote<AuditApi>),
    monitor: monitorClient(remote.monitor as unknown as Comlink.Remote<MonitorApi>),
  };
  return instance;
}
