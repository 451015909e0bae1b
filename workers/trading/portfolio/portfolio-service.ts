import type { LyraDb } from '../../store/db.js';
import { EngineFailure, engineError } from '../../shared/errors.js';
import type { MarketAccess } from '../market-link.js';
import {
  executeBatch,
  MAX_ASSETS as maxSuggestAssets,
  parseTargets,
  planRebalance,
  suggestTargets,
} from '../rebalance/index.js';
import type { BreakerState } from '../risk/breakers.js';
import { breakerKey } from '../trading-state.js';
import type { PaperAccount } from '../types.js';
import { valuationAsset } from '../valuation.js';
import type {
  BatchMode,
  BatchResult,
  CashFlow,
  CorrelationShock,
  ExecutiveView,
  PortfolioApi,
  PortfolioView,
  RebalancePlan,
  RiskOptions,
  RiskView,
  RuleResult,
  SuggestMethod,
  TargetWeight,
} from './api.js';
import { alignReturns, CandleSource, type ReturnMatrix } from './candle-returns.js';
import { flowRow, readFlow, type FlowDraft } from './cash-flows.js';
import { EquityRecorder, type RecorderConfig } from './equity-recorder.js';
import { EquityStore } from './equity-store.js';
import { executiveView } from './executive.js';
import { feeTotals, type FeeTotals } from './fee-totals.js';
import { tradeTotals, type TradeTotals } from './trade-totals.js';
import { accountEquity, valueHoldings, type ValuedHoldings } from './holdings.js';
import { priceAt, priceIn } from './marks.js';
import { equityHistory, flowAdjustedIndex, performance, type EquityHistory } from './performance.js';
import type { TradingPort } from './ports.js';
import { positionsPnl } from './positions-pnl.js';
import { rebalanceContext, targetAssets, tradingGate } from './rebalance-link.js';
import { conventions, readRiskOptions } from './risk-options.js';
import {
  concentrationRules,
  correlation,
  drawdown,
  equityStats,
  exposure,
  failed,
  guarded,
  minimums,
  shocks,
  valueAtRisk,
} from './risk-report.js';
import { loadValuation, type Valuation } from './valuation-context.js';

export interface PortfolioDeps {
  db: LyraDb;
  /** The trading engine of this worker; null in tools that only read what is stored. */
  trading: TradingPort | null;
  market: MarketAccess | null;
  now?: () => number;
  newId?: () => string;
  recorder?: Partial<RecorderConfig>;
  timers?: ConstructorParameters<typeof EquityRecorder>[0]['timers'];
  /** How long a rebalance waits for its sells to fill before judging the buys. */
  settleTimeoutMs?: number;
}

/** A flow dated more than this before now is backdated: valued at its time, not at today's price. */
const backdatedAfterMs = 5 * 60_000;

const suggestMethods: readonly SuggestMethod[] = ['equal', 'inverse-vol', 'min-variance'];

function randomId(): string {
  return `cf${crypto.randomUUID().replace(/-/g, '').slice(0, 20)}`;
}

function cleanQuote(quote: unknown): string {
  const q = typeof quote === 'string' ? quote.trim().toUpperCase() : '';
  return /^[A-Z0-9]{1,16}$/.test(q) ? q : valuationAsset;
}

/** What every view starts from: the accounts valued in the quote and the recorded equity history. */
interface Snapshot {
  quote: string;
  now: number;
  valuation: Valuation;
  valued: ValuedHoldings;
  history: EquityHistory;
  flows: CashFlow[];
  /** Valuation currency -> quote. */
  rate: number | null;
  notes: string[];
}

/**
 * The portfolio engine: holdings across every account, performance, risk, rebalancing and the executive
 * KPIs, computed from IndexedDB and the marks this worker knows, so every view works offline.
 */
export class PortfolioService implements PortfolioApi {
  readonly now: () => number;
  readonly newId: () => string;
  readonly equity: EquityStore;
  /** Tell the trading engine's account events here (`trading.accountEvents`), and start it with the engine. */
  readonly recorder: EquityRecorder;
  private readonly candles: CandleSource;
  private feesInFlight: Promise<FeeTotals> | null = null;
  private tradesInFlight: Promise<TradeTotals> | null = null;

  constructor(readonly deps: PortfolioDeps) {
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? randomId;
    this.equity = new EquityStore(deps.db);
    this.recorder = new EquityRecorder(
      {
        db: deps.db,
        equity: this.equity,
        trading: deps.trading,
        now: this.now,
        newId: this.newId,
        ...(deps.timers ? { timers: deps.timers } : {}),
      },
      deps.recorder,
    );
    this.candles = new CandleSource({
      db: deps.db,
      market: deps.market,
      now: this.now,
      exchanges: async () => {
        const own = this.deps.market?.exchangeId();
        const stored = (await deps.db.accounts.toArray()).map((a) => a.exchange);
        return [...new Set([...(own ? [own] : []), ...stored])];
      },
    });
  }

  /**
   * Runs with the trading engine: records equity, and brings the fee totals up to date in the background
   * so the first open of the portfolio screen after an upgrade does not count every fill itself.
   */
  start(): void {
    this.recorder.start();
    void this.fees().catch(() => undefined);
  }

  stop(): void {
    this.recorder.stop();
  }

  /**
   * The fee totals, one pass at a time: start() and the first portfolio() after an upgrade both ask, and
   * two passes at once would each count every fill.
   */
  private fees(rows?: PaperAccount[]): Promise<FeeTotals> {
    this.feesInFlight ??= (async () => {
      const accounts = rows ?? (await this.deps.db.accounts.toArray());
      return feeTotals(this.deps.db, Object.fromEntries(accounts.map((r) => [r.id, r.resetAt])));
    })().finally(() => {
      this.feesInFlight = null;
    });
    return this.feesInFlight;
  }

  /** The closed-trade totals, one pass at a time, like the fee totals. */
  private trades(rows: PaperAccount[]): Promise<TradeTotals> {
    this.tradesInFlight ??= tradeTotals(
      this.deps.db,
      Object.fromEntries(rows.map((r) => [r.id, r.resetAt])),
    ).finally(() => {
      this.tradesInFlight = null;
    });
    return this.tradesInFlight;
  }

  async portfolio(options: { quote: string }): Promise<PortfolioView> {
    let fees: FeeTotals = {};
    const s = await this.snapshot(options?.quote, async (rows) => {
      fees = await this.fees(rows);
      return [...new Set(Object.values(fees).flatMap((byAsset) => Object.keys(byAsset)))];
    });
    const { valuation, valued, quote } = s;
    const pnl = positionsPnl(valuation.positions, valuation.labels, quote, valuation.prices);
    const notes = [...s.notes, ...pnl.notes];
    let feesPaid = 0;
    for (const byAsset of Object.values(fees))
      for (const [asset, amount] of Object.entries(byAsset)) {
        const p = priceIn(asset, quote, valuation.prices);
        if (p) feesPaid += Number(amount) * p.price;
        else notes.push(`Fees paid in ${asset} have no price in ${quote}: left out of the fees total.`);
      }
    return {
      quote,
      computedAt: s.now,
      pricesAsOf: valued.pricesAsOf,
      holdings: valued.holdings,
      missing: valued.missing,
      total: valued.total,
      byAsset: valued.byAsset,
      byAccount: valued.byAccount,
      positions: pnl.positions,
      realizedPnl: pnl.realized,
      unrealizedPnl: pnl.unrealized,
      feesPaid,
      equity: s.history.series,
      performance: performance(s.history, s.now, s.rate),
      flows: s.flows,
      notes,
    };
  }

  async risk(input: Partial<RiskOptions>): Promise<RiskView> {
    const options = readRiskOptions(input);
    const s = await this.snapshot(options.quote);
    const { valued, quote } = s;
    const exp = exposure(valued, quote);
    const assets = exp.byAsset.map((a) => a.key);
    const weight = new Map(exp.byAsset.map((a) => [a.key, a.weight]));
    const returns = await this.returnsOf(assets, quote, options, (a) => weight.get(a) ?? 0);
    const index = flowAdjustedIndex(s.history);
    const notes = [...s.notes, ...returns.notes];
    // Each section is computed on its own: one that fails says so and the others still show.
    const corr = guarded('Correlation', () => correlation(returns, options));
    let shockList: CorrelationShock[] = [];
    try {
      shockList = shocks(corr, options);
    } catch (e) {
      notes.push(`Correlation shocks could not be checked: ${e instanceof Error ? e.message : String(e)}.`);
    }
    let rules: RuleResult[];
    try {
      rules = concentrationRules(valued, quote, corr, options);
    } catch (e) {
      rules = concentrationRules(valued, quote, failed('The correlated cluster', e), options);
    }
    return {
      options,
      computedAt: s.now,
      conventions: conventions(options),
      exposure: exp,
      drawdown: guarded('The drawdown', () => drawdown(index)),
      var: guarded('VaR', () =>
        valueAtRisk(returns, assets.length, (a) => weight.get(a) ?? 0, valued.total, options),
      ),
      equityStats: guarded('Equity statistics', () => equityStats(index, options)),
      correlation: corr,
      shocks: shockList,
      rules,
      missing: valued.missing,
      notes,
    };
  }

  async executive(options: { quote: string }): Promise<ExecutiveView> {
    const s = await this.snapshot(options?.quote);
    const { db } = this.deps;
    const [trades, breakerRows] = await Promise.all([
      this.trades(s.valuation.rows),
      db.tradingState.bulkGet(s.valuation.rows.map((r) => breakerKey(r.id))),
    ]);
    const breakers = s.valuation.rows.flatMap((r, i) => {
      const state = breakerRows[i]?.value as BreakerState | undefined;
      return state ? [{ label: s.valuation.labels.get(r.id) ?? r.id, state }] : [];
    });
    return executiveView({
      quote: s.quote,
      now: s.now,
      valued: s.valued,
      history: s.history,
      rate: s.rate,
      trades: Object.values(trades),
      prices: s.valuation.prices,
      breakers,
    });
  }

  async recordFlow(input: unknown): Promise<CashFlow> {
    const { db } = this.deps;
    const now = this.now();
    const rows = await db.accounts.toArray();
    const draft = readFlow(
      input,
      new Set(rows.map((a) => a.id)),
      now,
      new Set(rows.filter((a) => !a.live).map((a) => a.id)),
    );
    const p = await this.flowPrice(draft, now, rows);
    const row = flowRow(draft, this.newId(), draft.amount.toNumber() * p, 'user');
    await db.cashFlows.put(row);
    // The flow ends a sub-period: the equity now, so the return up to here includes the money moved.
    await this.recorder.record(true);
    return row;
  }

  /**
   * The flow's price in the valuation currency when the money moved: the current mark for a flow of
   * now, the stored candle close at its time for a backdated one (today's price would turn the market's
   * move since then into a fake gain or loss), refused when neither is known.
   */
  private async flowPrice(draft: FlowDraft, now: number, rows: PaperAccount[]): Promise<number> {
    if (draft.asset === valuationAsset) return 1;
    const refuse = (message: string) =>
      new EngineFailure(engineError('invalid-input', message, false, { field: 'asset' }));
    if (now - draft.time > backdatedAfterMs) {
      const exchanges = [...new Set(rows.map((r) => r.exchange))];
      const p = await priceAt(this.deps.db, exchanges, draft.asset, valuationAsset, draft.time);
      if (p) return p.price;
      throw refuse(
        `No stored ${draft.asset} price from ${new Date(draft.time).toISOString().slice(0, 16).replace('T', ' ')} UTC values this backdated flow: record it in ${valuationAsset}, at what it was worth then.`,
      );
    }
    const { prices } = await loadValuation(this.deps.db, this.deps.trading, valuationAsset, now, async () => [
      draft.asset,
    ]);
    const p = priceIn(draft.asset, valuationAsset, prices);
    if (!p)
      throw refuse(
        `No price for ${draft.asset} is known, so the flow cannot be valued: open a ${draft.asset} market once, or record it in ${valuationAsset}.`,
      );
    return p.price;
  }

  async removeFlow(id: string): Promise<void> {
    const row = await this.deps.db.cashFlows.get(String(id));
    if (!row) return;
    if (row.origin === 'auto')
      throw new EngineFailure(
        engineError(
          'invalid-input',
          'Lyra recorded this flow itself (a paper account opened or reset): it cannot be removed.',
          false,
          { field: 'id' },
        ),
      );
    await this.deps.db.cashFlows.delete(row.id);
  }

  async suggestTargets(
    method: SuggestMethod,
    assets: string[],
    input: Partial<RiskOptions>,
  ): Promise<TargetWeight[]> {
    const options = readRiskOptions(input);
    const list = Array.isArray(assets) ? assets.filter((a): a is string => typeof a === 'string') : [];
    // Checked before any history is loaded (the engine checks again): too many assets, or an unknown
    // method, would otherwise read candles for every one of them first.
    const early =
      list.length > maxSuggestAssets || !suggestMethods.includes(method)
        ? suggestTargets(method, list, null)
        : null;
    if (early && !early.ok)
      throw new EngineFailure(
        engineError('invalid-input', early.error, false, {
          field: suggestMethods.includes(method) ? 'assets' : 'method',
        }),
      );
    const quote = options.quote;
    // Fully invested: the risk-based methods weigh the assets, not cash, which would take it all.
    const cash = method !== 'equal' && list.some((a) => a.trim().toUpperCase() === quote);
    const risky = cash ? list.filter((a) => a.trim().toUpperCase() !== quote) : list;
    let returns: { m: Float64Array; periods: number } | null = null;
    if (method !== 'equal' && risky.length) {
      const r = await this.returnsOf(
        risky.map((a) => a.trim().toUpperCase()),
        quote,
        options,
      );
      const absent = risky.filter((a) => !r.assets.includes(a.trim().toUpperCase()));
      if (absent.length)
        throw new EngineFailure(
          engineError(
            'invalid-input',
            `No ${options.interval} price history for ${absent.join(', ')} in ${quote}: choose equal weight, or open those markets once.`,
            false,
            { field: 'assets' },
          ),
        );
      returns = { m: r.m, periods: r.periods };
    }
    const result = suggestTargets(method, risky, returns);
    if (!result.ok)
      throw new EngineFailure(engineError('invalid-input', result.error, false, { field: 'method' }));
    return cash ? [...result.targets, { asset: quote, weight: '0.00' }] : result.targets;
  }

  async planRebalance(input: unknown): Promise<RebalancePlan> {
    const quote = cleanQuote((input as { quote?: unknown } | null)?.quote);
    const accountId = this.deps.trading?.activeAccountId() ?? '';
    const refuse = (error: string): RebalancePlan => ({
      ok: false,
      error,
      accountId,
      rows: [],
      legs: [],
      skipped: [],
      previews: [],
      total: 0,
    });
    const trading = this.deps.trading;
    if (!trading || !accountId)
      return refuse('The trading engine has not started yet: open the Trade screen once, then plan again.');
    // Parsed and capped before anything is loaded: a page sending 100,000 targets must not make the
    // worker look up prices for each of them first.
    const parsed = parseTargets(input);
    if (!parsed.ok) return refuse(parsed.error);
    const wanted = targetAssets({ targets: parsed.targets });
    const { prices } = await loadValuation(this.deps.db, trading, quote, this.now(), async () => wanted);
    const ctx = await rebalanceContext(this.deps.db, this.deps.market, accountId, quote, prices, wanted);
    if (!ctx)
      return refuse('The active account has no balances yet: open the Trade screen once, then plan again.');
    const plan = planRebalance(input, ctx);
    if (!plan.ok) return plan;
    const previews = [];
    for (const leg of plan.legs) previews.push(await trading.preview({ kind: 'order', order: leg.order }));
    return { ...plan, previews };
  }

  async executeRebalance(plan: RebalancePlan, mode: BatchMode): Promise<BatchResult> {
    const trading = this.deps.trading;
    const active = trading?.activeAccountId() ?? '';
    if (!trading || plan?.accountId !== active) {
      const reason = trading
        ? 'The active account changed since this plan was made: plan the rebalance again.'
        : 'The trading engine has not started yet.';
      return {
        mode,
        legs: (Array.isArray(plan?.legs) ? plan.legs : []).map((l) => ({
          id: l.id,
          symbol: l.order.symbol,
          side: l.order.side,
          amount: l.order.amount,
          status: 'not-sent' as const,
          reason,
        })),
      };
    }
    return executeBatch(plan, mode, tradingGate(this.deps.db, trading), {
      ...(this.deps.settleTimeoutMs !== undefined ? { settleTimeoutMs: this.deps.settleTimeoutMs } : {}),
    });
  }

  async quotes(): Promise<string[]> {
    let markets = this.deps.market?.markets() ?? [];
    if (markets.length === 0) markets = await this.deps.db.markets.toArray();
    const quotes = new Set(markets.map((m) => m.quote));
    quotes.delete(valuationAsset);
    return [valuationAsset, ...[...quotes].sort()];
  }

  private async returnsOf(
    assets: string[],
    quote: string,
    o: RiskOptions,
    weightOf?: (asset: string) => number,
  ): Promise<ReturnMatrix> {
    const series = await Promise.all(
      assets.map(async (asset) => ({
        asset,
        closes: await this.candles.closes(`${asset}/${quote}`, o.interval, o.window + 1),
      })),
    );
    return alignReturns(series, o.window, Math.min(minimums.var, minimums.correlation), weightOf);
  }

  private async snapshot(
    rawQuote: unknown,
    extraAssets?: Parameters<typeof loadValuation>[4],
  ): Promise<Snapshot> {
    const quote = cleanQuote(rawQuote);
    const now = this.now();
    const { db } = this.deps;
    const [valuation, series, flows] = await Promise.all([
      loadValuation(db, this.deps.trading, quote, now, extraAssets),
      this.equity.all(),
      db.cashFlows.orderBy('time').toArray(),
    ]);
    const valued = valueHoldings(valuation.accounts, quote, valuation.prices);
    const current = new Map<string, { time: number; equity: number }>();
    for (const a of valuation.accounts) {
      const e = accountEquity(a, valuationAsset, valuation.prices);
      if (e !== null) current.set(a.id, { time: now, equity: e });
    }
    const notes: string[] = [];
    for (const a of valuation.accounts)
      if (!series.has(a.id))
        notes.push(`${a.label} has no equity snapshot yet: its history starts when Lyra next records one.`);
    const history = equityHistory(series, flows, current, (id) => valuation.labels.get(id) ?? id);
    notes.push(...history.notes);
    return {
      quote,
      now,
      valuation,
      valued,
      history,
      flows,
      rate: priceIn(valuationAsset, quote, valuation.prices)?.price ?? null,
      notes,
    };
  }
}
