import type { LyraDb } from '../../store/db.js';
import type { PaperAccount } from '../types.js';
import { valuationAsset } from '../valuation.js';
import type { CashFlow } from './api.js';
import { resetFlows } from './cash-flows.js';
import type { EquityPoint, EquityStore } from './equity-store.js';
import { accountEquity, accountHoldings } from './holdings.js';
import { priceIn, type SymbolPrices } from './marks.js';
import type { AccountEvents, TradingPort } from './ports.js';
import { loadValuation } from './valuation-context.js';

export interface RecorderConfig {
  /** Periodic snapshots at most this often. */
  intervalMs: number;
  /** An unchanged equity is recorded again only after this long: a flat line needs no point a minute. */
  quietMs: number;
  /** Fills come in bursts (partial fills, algo slices): one snapshot after the burst. */
  fillDelayMs: number;
}

export const defaultRecorderConfig: RecorderConfig = {
  intervalMs: 60_000,
  quietMs: 3_600_000,
  fillDelayMs: 500,
};

export interface RecorderDeps {
  db: LyraDb;
  equity: EquityStore;
  trading: TradingPort | null;
  now: () => number;
  newId: () => string;
  timers?: {
    setInterval(fn: () => void, ms: number): unknown;
    clearInterval(handle: unknown): void;
    setTimeout(fn: () => void, ms: number): unknown;
  };
}

const realTimers = {
  setInterval: (fn: () => void, ms: number): unknown => setInterval(fn, ms),
  clearInterval: (h: unknown) => clearInterval(h as ReturnType<typeof setInterval>),
  setTimeout: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
};

/**
 * Records each account's equity in the valuation currency: at most once a minute while the engine runs,
 * right after fills, and on both sides of a paper account's opening or reset, together with the flows
 * those amount to, so that the time-weighted return splits exactly there. Only the leader tab records.
 * An account with a holding that has no price is skipped: a partial sum would read as a loss.
 */
export class EquityRecorder implements AccountEvents {
  private readonly config: RecorderConfig;
  private readonly timers: NonNullable<RecorderDeps['timers']>;
  private interval: unknown = null;
  private pendingFill: unknown = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: RecorderDeps,
    config: Partial<RecorderConfig> = {},
  ) {
    this.config = { ...defaultRecorderConfig, ...config };
    this.timers = deps.timers ?? realTimers;
  }

  start(): void {
    if (this.interval !== null) return;
    this.interval = this.timers.setInterval(() => void this.record(false), this.config.intervalMs);
    void this.record(false);
  }

  stop(): void {
    if (this.interval !== null) this.timers.clearInterval(this.interval);
    this.interval = null;
  }

  /** A snapshot of every account; `force` records even an unchanged equity. Resolves once stored. */
  record(force: boolean): Promise<void> {
    return this.serial(async () => {
      if (!this.leading()) return;
      const { accounts, prices } = await loadValuation(
        this.deps.db,
        this.deps.trading,
        valuationAsset,
        this.deps.now(),
      );
      // Stamped after the balances are read: a flow recorded while they were read then falls before the
      // point that contains it, never after a point that does not.
      const now = this.deps.now();
      const points: EquityPoint[] = [];
      for (const a of accounts) {
        const equity = accountEquity(a, valuationAsset, prices);
        if (equity === null) continue;
        if (!force) {
          const last = await this.deps.equity.lastPoint(a.id);
          if (last && last.equity === equity && now - last.time < this.config.quietMs) continue;
        }
        points.push({ accountId: a.id, time: now, equity });
      }
      await this.deps.equity.append(points);
      // Older history is thinned here, at most once an hour: a failure leaves it whole, never unrecorded.
      await this.deps.equity.thinIfDue(now).catch(() => null);
    });
  }

  filled(_accountId: string): void {
    if (this.pendingFill !== null) return;
    this.pendingFill = this.timers.setTimeout(() => {
      this.pendingFill = null;
      void this.record(true);
    }, this.config.fillDelayMs);
  }

  opened(account: PaperAccount): Promise<void> {
    return this.serial(async () => {
      const time = account.createdAt;
      const prices = await this.prices();
      const flows = resetFlows(account.id, {}, account.starting).map((f) =>
        this.autoFlow(f, time, prices, 'Paper account opened with its starting balances.'),
      );
      const after = accountEquity(accountHoldings(account), valuationAsset, prices);
      await this.store(flows, after === null ? [] : [{ accountId: account.id, time, equity: after }]);
    });
  }

  reset(before: PaperAccount, after: PaperAccount): Promise<void> {
    return this.serial(async () => {
      const time = after.resetAt;
      const prices = await this.prices();
      const old = accountHoldings(before);
      const next = accountHoldings(after);
      const flows = resetFlows(after.id, old.amounts, next.amounts).map((f) =>
        this.autoFlow(
          f,
          time,
          prices,
          f.kind === 'out'
            ? 'Paper account reset: old holdings out.'
            : 'Paper account reset: new balances in.',
        ),
      );
      const points: EquityPoint[] = [];
      const was = accountEquity(old, valuationAsset, prices);
      const is = accountEquity(next, valuationAsset, prices);
      if (was !== null) points.push({ accountId: after.id, time: time - 1, equity: was });
      if (is !== null) points.push({ accountId: after.id, time, equity: is });
      await this.store(flows, points);
    });
  }

  private leading(): boolean {
    return this.deps.trading?.isLeader ?? true;
  }

  private async prices(): Promise<SymbolPrices> {
    return (await loadValuation(this.deps.db, this.deps.trading, valuationAsset, this.deps.now())).prices;
  }

  private autoFlow(
    f: ReturnType<typeof resetFlows>[number],
    time: number,
    prices: SymbolPrices,
    note: string,
  ): CashFlow {
    const p = priceIn(f.asset, valuationAsset, prices);
    return {
      id: this.deps.newId(),
      accountId: f.accountId,
      time,
      asset: f.asset,
      amount: f.amount.toString(),
      value: p ? f.amount.toNumber() * p.price : 0,
      note: p ? note : `${note} No price for ${f.asset} was known, so it is not valued.`,
      origin: 'auto',
    };
  }

  /** The flows and the points around them in one transaction: history never has one without the other. */
  private async store(flows: CashFlow[], points: EquityPoint[]): Promise<void> {
    const { db } = this.deps;
    await db.transaction('rw', [db.cashFlows, db.equityBlocks], async () => {
      if (flows.length) await db.cashFlows.bulkPut(flows);
      await this.deps.equity.append(points);
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
