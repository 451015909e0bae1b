import { engine, toEngineError } from '$lib/engine/engine';
import {
  configFromForm,
  defaultCostsForm,
  defaultParamValues,
  fieldOfError,
  paramsFromForm,
  rangeFromForm,
  type CostsForm,
  type FieldErrors,
} from '$lib/research/backtest-form';
import { fixedText } from '$lib/research/import-text';
import {
  defaultExitsDraft,
  defaultRuleDraft,
  exitsDraftFrom,
  exitsFromDraft,
  newCondition,
  ruleSetFromDraft,
  type DraftError,
  type ExitsDraft,
  type RuleDraft,
} from '$lib/research/rule-draft';
import { KeyedActions } from './keyed-actions.svelte';
import type {
  BacktestReport,
  BacktestRequest,
  CsvImportResult,
  DatasetSummary,
  EngineError,
  ExitRules,
  IndicatorInfo,
  JobProgress,
  ParamSpec,
  SizeRule,
  StrategyInfo,
  StrategySpec,
  Timeframe,
} from '$workers/api';

/** A long job: its id (for cancel), its progress, and whether it has run long enough to show a bar. */
export interface RunningJob {
  id: string;
  progress: JobProgress | null;
  /** Past one second: short runs finish without a progress bar flashing by. */
  slow: boolean;
}

type CsvRefusal = Extract<CsvImportResult, { ok: false }>;

/** The engine may describe a built-in's own exits and size; the contract does not promise it. */
type StrategyDefaults = StrategyInfo & { exits?: ExitRules; defaultSize?: SizeRule };

const SLOW_MS = 1000;

/** Fields of the form that can show an error message under them (besides the strategy's params). */
const FORM_FIELDS = [
  'dataset',
  'from',
  'to',
  'capital',
  'fee',
  'bps',
  'impact',
  'fallbackBps',
  'execution',
  'periodsPerYear',
];

function jobId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

/**
 * The backtest screen's state: datasets, the strategy and cost forms, the run and its report. Engine
 * results are replaced whole (`$state.raw`); forms are deep state the inputs bind to. Every check of
 * what was typed lives in `$lib/research/*` (pure, tested); this class only orders the calls.
 */
export class ResearchState {
  datasets = $state.raw<DatasetSummary[] | null>(null);
  strategies = $state.raw<StrategyInfo[]>([]);
  indicators = $state.raw<IndicatorInfo[]>([]);
  selectedId = $state<string | null>(null);
  selected = $derived(this.datasets?.find((d) => d.id === this.selectedId) ?? null);

  /** The last import's refusal: every problem, the columns to pick from, or the order question. */
  csvRefusal = $state.raw<CsvRefusal | null>(null);
  csvNote = $state<string | null>(null);
  private pendingCsv: { text: string; name: string; column: string | null } | null = null;

  download = $state.raw<RunningJob | null>(null);

  mode = $state<'builtin' | 'rules'>('builtin');
  strategyId = $state('');
  paramValues = $state<Record<string, string>>({});
  /** A built-in strategy uses its own exits and size unless the person overrides them. */
  overrideExits = $state(false);
  builtinExits = $state<ExitsDraft>(defaultExitsDraft());
  rules = $state<RuleDraft | null>(null);

  costs = $state<CostsForm>(defaultCostsForm());
  rangeFrom = $state('');
  rangeTo = $state('');

  job = $state.raw<RunningJob | null>(null);
  report = $state.raw<BacktestReport | null>(null);
  /** The request behind `report` (for its export), whether or not the strategy failed on the way. */
  reportRequest = $state.raw<BacktestRequest | null>(null);
  /** The request of the last run that finished without the strategy failing: what analysis reuses. */
  lastRequest = $state.raw<BacktestRequest | null>(null);
  reportAt = $state<number | null>(null);
  /** Finished runs so far: lets a watcher tell a new report from the one before. */
  runCount = $state(0);
  fieldErrors = $state.raw<FieldErrors>({});
  ruleErrors = $state.raw<DraftError[]>([]);
  runError = $state.raw<EngineError | null>(null);
  cancelled = $state(false);

  strategy = $derived(this.strategies.find((s) => s.id === this.strategyId) ?? null);
  paramSpecs = $derived<ParamSpec[]>(this.mode === 'builtin' ? (this.strategy?.params ?? []) : []);

  private readonly actions = new KeyedActions();
  private nextKey = 1;
  private loaded = false;

  isPending(key: string): boolean {
    return this.actions.isPending(key);
  }

  error(key: string): EngineError | null {
    return this.actions.error(key);
  }

  clearError(key: string): void {
    this.actions.clearError(key);
  }

  key(): number {
    return this.nextKey++;
  }

  /** Datasets, strategies and indicators; once per visit, again on demand. */
  async load(force = false): Promise<void> {
    if (this.loaded && !force) return;
    this.loaded = true;
    const [sets, strategies, indicators] = await Promise.all([
      this.actions.run('datasets', () => engine().research.datasets()),
      this.actions.run('strategies', () => engine().research.strategies()),
      this.actions.run('indicators', () => engine().research.indicators()),
    ]);
    if (sets.ok) this.setDatasets(sets.value);
    if (strategies.ok) {
      this.strategies = strategies.value;
      if (!this.strategy && strategies.value[0]) this.chooseStrategy(strategies.value[0].id);
    }
    if (indicators.ok) {
      this.indicators = indicators.value;
      this.rules ??= defaultRuleDraft(indicators.value, () => this.key());
    }
    if (!sets.ok || !strategies.ok || !indicators.ok) this.loaded = false;
  }

  async reloadDatasets(): Promise<void> {
    const r = await this.actions.run('datasets', () => engine().research.datasets());
    if (r.ok) this.setDatasets(r.value);
  }

  private setDatasets(list: DatasetSummary[]): void {
    this.datasets = list;
    if (!list.some((d) => d.id === this.selectedId)) this.selectDataset(list[0]?.id ?? null);
  }

  selectDataset(id: string | null): void {
    this.selectedId = id;
    // Close-only data has no next open: the form falls back to the close rather than failing the run.
    const ds = this.datasets?.find((d) => d.id === id);
    if (ds?.closeOnly && this.costs.execution === 'next-open') this.costs.execution = 'close';
    this.fieldErrors = {};
  }

  chooseStrategy(id: string): void {
    this.strategyId = id;
    const info = this.strategies.find((s) => s.id === id) as StrategyDefaults | undefined;
    this.paramValues = defaultParamValues(info?.params ?? []);
    this.builtinExits =
      info?.exits && info.defaultSize ? exitsDraftFrom(info.exits, info.defaultSize) : defaultExitsDraft();
    this.fieldErrors = {};
  }

  addCondition(side: 'entry' | 'exit'): void {
    if (!this.rules) return;
    this.rules[side].conditions.push(
      newCondition(this.key(), this.indicators, side === 'entry' ? 'crosses-above' : 'crosses-below'),
    );
  }

  removeCondition(side: 'entry' | 'exit', key: number): void {
    if (!this.rules) return;
    this.rules[side].conditions = this.rules[side].conditions.filter((c) => c.key !== key);
  }

  // ---- data ----

  /** Imports a CSV; refused imports keep the text so a column choice or the order consent can retry. */
  async importCsv(
    text: string,
    name: string,
    column: string | null = null,
    fixOrder = false,
  ): Promise<boolean> {
    this.csvNote = null;
    this.pendingCsv = { text, name, column };
    const r = await this.actions.run('import', () =>
      engine().research.importCsv(text, { name, column, fixOrder }),
    );
    if (!r.ok) return false;
    if (!r.value.ok) {
      this.csvRefusal = r.value;
      return false;
    }
    this.csvRefusal = null;
    this.pendingCsv = null;
    this.csvNote = fixedText(r.value.fixed);
    await this.reloadDatasets();
    this.selectDataset(r.value.dataset.id);
    return true;
  }

  /** The person agreed: sort, keep the last of repeated times, import. */
  fixOrderAndImport(): Promise<boolean> {
    const p = this.pendingCsv;
    if (!p) return Promise.resolve(false);
    return this.importCsv(p.text, p.name, p.column, true);
  }

  dismissImport(): void {
    this.csvRefusal = null;
    this.pendingCsv = null;
    this.clearError('import');
  }

  async deleteDataset(id: string): Promise<void> {
    const r = await this.actions.run(`delete:${id}`, () => engine().research.deleteDataset(id));
    if (r.ok) await this.reloadDatasets();
  }

  async downloadHistory(request: {
    symbol: string;
    timeframe: Timeframe;
    since: number;
    until?: number | null;
    name?: string;
  }): Promise<void> {
    const job: RunningJob = { id: jobId('download'), progress: null, slow: true };
    this.download = job;
    const r = await this.actions.run('download', () =>
      engine().strategies.downloadHistory(request, job.id, (p) => {
        if (this.download?.id === job.id) this.download = { ...this.download, progress: p };
      }),
    );
    if (this.download?.id === job.id) this.download = null;
    if (r.ok) {
      await this.reloadDatasets();
      this.selectDataset(r.value.id);
    } else if (r.error.code === 'cancelled') this.clearError('download');
  }

  async cancelDownload(): Promise<void> {
    const job = this.download;
    if (!job) return;
    await this.actions.run('cancel-download', () => engine().strategies.cancelDownload(job.id));
  }

  // ---- run ----

  /** The strategy as the engine takes it, or the problems with their fields (shown, nothing sent). */
  strategySpec(): StrategySpec | null {
    if (this.mode === 'rules') {
      if (!this.rules) return null;
      const r = ruleSetFromDraft(this.rules, this.indicators, this.selected?.closeOnly ?? false);
      this.ruleErrors = r.ok ? [] : r.errors;
      return r.ok ? { kind: 'rules', rules: r.rules } : null;
    }
    this.ruleErrors = [];
    const params = paramsFromForm(this.paramValues, this.paramSpecs);
    let exits: Pick<Extract<StrategySpec, { kind: 'builtin' }>, 'exits' | 'size'> = {};
    if (this.overrideExits) {
      const e = exitsFromDraft(this.builtinExits);
      if (!e.ok) this.ruleErrors = e.errors;
      else exits = { exits: e.exits, size: e.size };
    }
    if (!params.ok) this.fieldErrors = { ...this.fieldErrors, ...params.errors };
    if (!params.ok || this.ruleErrors.length > 0) return null;
    return { kind: 'builtin', id: this.strategyId, params: params.params, ...exits };
  }

  /** The request the forms describe, or null with every problem shown next to its field. */
  buildRequest(): BacktestRequest | null {
    this.fieldErrors = {};
    const ds = this.selected;
    const errors: FieldErrors = {};
    if (!ds) errors.dataset = 'Pick a dataset, or import a CSV or download history first.';
    const range = rangeFromForm(this.rangeFrom, this.rangeTo, ds);
    if (!range.ok) Object.assign(errors, range.errors);
    const config = configFromForm(this.costs, ds?.closeOnly ?? false);
    if (!config.ok) Object.assign(errors, config.errors);
    this.fieldErrors = errors;
    const strategy = this.strategySpec();
    if (!ds || !range.ok || !config.ok || !strategy) return null;
    return { datasetId: ds.id, from: range.from, to: range.to, strategy, config: config.config };
  }

  async run(): Promise<void> {
    if (this.job) return;
    this.runError = null;
    this.cancelled = false;
    const request = this.buildRequest();
    if (!request) return;
    const job: RunningJob = { id: jobId('backtest'), progress: null, slow: false };
    this.job = job;
    const timer = setTimeout(() => {
      if (this.job?.id === job.id) this.job = { ...this.job, slow: true };
    }, SLOW_MS);
    try {
      const report = await engine().research.backtest(request, job.id, (p) => {
        if (this.job?.id === job.id) this.job = { ...this.job, progress: p };
      });
      this.report = report;
      this.reportRequest = request;
      this.reportAt = Date.now();
      this.runCount++;
      if (!report.result.error) this.lastRequest = request;
    } catch (e) {
      this.failed(toEngineError(e));
    } finally {
      clearTimeout(timer);
      if (this.job?.id === job.id) this.job = null;
    }
  }

  /** Cancelled keeps the last report; a bad field shows by its input; anything else above the results. */
  private failed(error: EngineError): void {
    if (error.code === 'cancelled') {
      this.cancelled = true;
      return;
    }
    const field = error.code === 'invalid' ? fieldOfError(error.details?.field) : null;
    const known = [...FORM_FIELDS, ...this.paramSpecs.map((p) => p.name)];
    if (field && known.includes(field)) this.fieldErrors = { ...this.fieldErrors, [field]: error.message };
    else this.runError = error;
  }

  async cancelRun(): Promise<void> {
    const job = this.job;
    if (!job) return;
    try {
      await engine().research.cancel(job.id);
    } catch (e) {
      this.runError = toEngineError(e);
    }
  }
}

export const researchState = new ResearchState();
