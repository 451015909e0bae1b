import { engine } from '$lib/engine/engine';
import { percentTargets } from '$lib/format/portfolio';
import { KeyedActions } from './keyed-actions.svelte';
import type {
  BatchMode,
  BatchResult,
  CashFlow,
  EngineError,
  ExecutiveView,
  Insufficient,
  PortfolioView,
  RebalancePlan,
  RiskOptions,
  RiskView,
  SuggestMethod,
} from '$workers/api';

const QUOTE_KEY = 'lyra.portfolio.quote';

function storedQuote(): string {
  try {
    return (typeof localStorage !== 'undefined' && localStorage.getItem(QUOTE_KEY)) || 'USDT';
  } catch {
    return 'USDT';
  }
}

/** The risk screen's options as typed: text while editing, sent to the engine as numbers. */
export interface RiskForm {
  interval: '1d' | '1h';
  window: string;
  periodsPerYear: string;
  quantileType: '7' | '1';
  /** Percent text, e.g. "2" for 2 % a year. */
  riskFree: string;
  ewmaLambda: string;
  shockThreshold: string;
  /** Percent text. */
  assetMax: string;
  exchangeMax: string;
  clusterMax: string;
  clusterCorrelation: string;
}

export interface TargetRow {
  key: number;
  asset: string;
  weight: string;
}

const pct = (v: number) => String(Math.round(v * 1e6) / 1e4);

export function riskFormFrom(o: RiskOptions): RiskForm {
  return {
    interval: o.interval,
    window: String(o.window),
    periodsPerYear: String(o.periodsPerYear),
    quantileType: o.quantileType === 1 ? '1' : '7',
    riskFree: pct(o.riskFree),
    ewmaLambda: String(o.ewmaLambda),
    shockThreshold: String(o.shockThreshold),
    assetMax: pct(o.rules.assetMax),
    exchangeMax: pct(o.rules.exchangeMax),
    clusterMax: pct(o.rules.clusterMax),
    clusterCorrelation: String(o.rules.clusterCorrelation),
  };
}

/** The form as engine options; the engine validates the values and says what is wrong. */
export function riskOptionsFrom(f: RiskForm, quote: string): Partial<RiskOptions> {
  const n = (s: string) => Number(s.trim().replace(',', '.'));
  return {
    quote,
    interval: f.interval,
    window: n(f.window),
    periodsPerYear: n(f.periodsPerYear),
    quantileType: f.quantileType === '1' ? 1 : 7,
    riskFree: n(f.riskFree) / 100,
    ewmaLambda: n(f.ewmaLambda),
    shockThreshold: n(f.shockThreshold),
    rules: {
      assetMax: n(f.assetMax) / 100,
      exchangeMax: n(f.exchangeMax) / 100,
      clusterMax: n(f.clusterMax) / 100,
      clusterCorrelation: n(f.clusterCorrelation),
    },
  };
}

/**
 * What the portfolio, risk, rebalance and executive screens show, as runes. Each view is computed by the
 * engine from IndexedDB and replaced whole (`$state.raw`); each action keeps its pending flag and error
 * under a key, so a failure shows where it happened. The views stay while the person moves between
 * screens, so coming back shows the last numbers (with their time) at once while they refresh.
 */
export class PortfolioState {
  quote = $state(storedQuote());
  quotes = $state.raw<string[]>([]);
  portfolio = $state.raw<PortfolioView | null>(null);
  risk = $state.raw<RiskView | null>(null);
  executive = $state.raw<ExecutiveView | null>(null);
  riskForm = $state<RiskForm | null>(null);
  /**
   * The options the risk view was last computed with. Refreshes reuse these, not the form, so a
   * half-edited form is never applied behind the person's back.
   */
  private riskApplied: Partial<RiskOptions> | null = null;

  targets = $state<TargetRow[]>([]);
  tolerance = $state('5');
  mode = $state<BatchMode>('all-or-nothing');
  plan = $state.raw<RebalancePlan | null>(null);
  result = $state.raw<BatchResult | null>(null);
  /** The plan shown was sent already: sending it again would repeat its orders. */
  planSent = $state(false);

  private readonly actions = new KeyedActions();
  private nextKey = 1;

  isPending(key: string): boolean {
    return this.actions.isPending(key);
  }

  error(key: string): EngineError | null {
    return this.actions.error(key);
  }

  clearError(key: string): void {
    this.actions.clearError(key);
  }

  setQuote(q: string): void {
    this.quote = q;
    try {
      localStorage.setItem(QUOTE_KEY, q);
    } catch {
      // A private window without storage keeps the choice for this visit only.
    }
  }

  async loadQuotes(): Promise<void> {
    const r = await this.actions.run('quotes', () => engine().portfolio.quotes());
    if (r.ok) {
      this.quotes = r.value;
      if (r.value.length > 0 && !r.value.includes(this.quote)) this.setQuote(r.value[0] as string);
    }
  }

  async loadPortfolio(): Promise<void> {
    const quote = this.quote;
    const r = await this.actions.run('portfolio', () => engine().portfolio.portfolio({ quote }));
    if (r.ok && quote === this.quote) this.portfolio = r.value;
  }

  private riskOptions(): Partial<RiskOptions> {
    return { ...this.riskApplied, quote: this.quote };
  }

  async loadRisk(): Promise<void> {
    const options = this.riskOptions();
    const r = await this.actions.run('risk', () => engine().portfolio.risk(options));
    if (r.ok) {
      this.risk = r.value;
      if (!this.riskForm) this.riskForm = riskFormFrom(r.value.options);
    }
  }

  /** Recomputes with the form's options; they stay in force (for refreshes) only if the engine takes them. */
  async applyRisk(): Promise<void> {
    if (!this.riskForm) return this.loadRisk();
    const options = riskOptionsFrom(this.riskForm, this.quote);
    const r = await this.actions.run('risk', () => engine().portfolio.risk(options));
    if (r.ok) {
      this.riskApplied = options;
      this.risk = r.value;
      // Values the engine could not use fall back to its defaults: the form shows what was used.
      this.riskForm = riskFormFrom(r.value.options);
    }
  }

  /** Back to the engine's defaults (the form refills from what it answers). */
  async resetRisk(): Promise<void> {
    this.riskApplied = null;
    this.riskForm = null;
    await this.loadRisk();
  }

  async loadExecutive(): Promise<void> {
    const quote = this.quote;
    const r = await this.actions.run('executive', () => engine().portfolio.executive({ quote }));
    if (r.ok && quote === this.quote) this.executive = r.value;
  }

  async recordFlow(input: {
    accountId: string;
    asset: string;
    amount: string;
    time: number | null;
    note: string;
  }): Promise<CashFlow | null> {
    const r = await this.actions.run('flow', () => engine().portfolio.recordFlow(input));
    if (!r.ok) return null;
    await this.loadPortfolio();
    return r.value;
  }

  async removeFlow(id: string): Promise<void> {
    const r = await this.actions.run(`flow:${id}`, () => engine().portfolio.removeFlow(id));
    if (r.ok) await this.loadPortfolio();
  }

  addTarget(asset = '', weight = ''): void {
    this.targets.push({ key: this.nextKey++, asset, weight });
  }

  removeTarget(key: number): void {
    this.targets = this.targets.filter((t) => t.key !== key);
  }

  private setTargets(rows: { asset: string; weight: string }[]): void {
    this.targets = rows.map((r) => ({ key: this.nextKey++, asset: r.asset, weight: r.weight }));
  }

  /** Fills the editor with the current holdings' weights, so the person edits from where they are. */
  targetsFromHoldings(): void {
    this.setTargets(percentTargets(this.portfolio?.byAsset ?? []));
  }

  async suggest(method: SuggestMethod): Promise<void> {
    const assets = this.targets.map((t) => t.asset.trim()).filter((a) => a !== '');
    const list = assets.length > 0 ? assets : (this.portfolio?.byAsset ?? []).map((s) => s.key);
    const options = this.riskOptions();
    const r = await this.actions.run('suggest', () =>
      engine().portfolio.suggestTargets(method, list, options),
    );
    if (r.ok) {
      this.setTargets(r.value);
      this.plan = null;
      this.result = null;
    }
  }

  async planRebalance(): Promise<void> {
    this.result = null;
    this.planSent = false;
    const input = {
      targets: this.targets
        .filter((t) => t.asset.trim() !== '' || t.weight.trim() !== '')
        .map((t) => ({ asset: t.asset.trim().toUpperCase(), weight: t.weight.trim() })),
      tolerance: this.tolerance.trim(),
      quote: this.quote,
    };
    const r = await this.actions.run('plan', () => engine().portfolio.planRebalance(input));
    this.plan = r.ok ? r.value : null;
  }

  async execute(): Promise<BatchResult | null> {
    const plan = this.plan;
    if (!plan) return null;
    const mode = this.mode;
    const r = await this.actions.run('execute', () => engine().portfolio.executeRebalance(plan, mode));
    if (!r.ok) return null;
    this.result = r.value;
    this.planSent = true;
    return r.value;
  }
}

export const portfolioState = new PortfolioState();

/** Whether a statistic came back as "needs more history". */
export function isInsufficient<T extends object>(x: T | Insufficient): x is Insufficient {
  return (x as Insufficient).insufficient === true;
}
