import { engine } from '$lib/engine/engine';
import { KeyedActions } from './keyed-actions.svelte';
import type {
  EngineError,
  JobProgress,
  TaxJurisdiction,
  TaxMethod,
  TaxMethodPlan,
  TaxReportView,
  TaxRequest,
  TaxSources,
  TradeImportPreview,
  TradeImportResult,
  TradeImportRow,
  TradeLayoutId,
} from '$workers/api';

/** The tax options as the screen holds them; sent to the engine as a TaxRequest. */
export interface TaxForm {
  jurisdiction: TaxJurisdiction;
  /** '' for the quote most fills use. */
  currency: string;
  method: TaxMethod;
  byYear: Record<string, TaxMethod>;
  byYearAccount: Record<string, Record<string, TaxMethod>>;
  /** '' for the jurisdiction's default. */
  yearStart: string;
  timeZone: string;
  /** Paper (simulated) accounts' fills count too; off: live and imported fills only. */
  includePaper: boolean;
}

/** The form as a plain request: rune proxies cannot be cloned to the worker, so a snapshot goes. */
export function taxRequestOf(state: TaxForm): TaxRequest {
  const form = $state.snapshot(state);
  const methods: TaxMethodPlan = {
    method: form.method,
    byYear: form.byYear,
    byYearAccount: form.byYearAccount,
  };
  return {
    jurisdiction: form.jurisdiction,
    methods,
    currency: form.currency || null,
    yearStart: form.yearStart.trim() || null,
    timeZone: form.timeZone.trim() || null,
    includePaper: form.includePaper,
  };
}

let jobs = 0;

/**
 * The Reports screen: trade imports (preview, import, list, remove) and the tax report with its options,
 * progress and cancel. Every number comes from the engine; this only keeps what the screen shows.
 */
class ReportsState {
  readonly actions = new KeyedActions();
  imports = $state.raw<TradeImportRow[] | null>(null);
  preview = $state.raw<TradeImportPreview | null>(null);
  imported = $state.raw<TradeImportResult | null>(null);
  sources = $state.raw<TaxSources | null>(null);
  report = $state.raw<TaxReportView | null>(null);
  progress = $state.raw<JobProgress | null>(null);
  form = $state<TaxForm>({
    jurisdiction: 'AU',
    currency: '',
    method: 'FIFO',
    byYear: {},
    byYearAccount: {},
    yearStart: '',
    timeZone: '',
    includePaper: false,
  });
  /** The tax year shown; null: the latest; 'all': every year netted together. */
  year = $state<string | null>(null);
  /**
   * The report run going now, if any. Running and its failure belong to this run alone: a run it replaced
   * may still settle (as cancelled) after it started, and must not touch what the screen shows.
   */
  private jobId = $state<string | null>(null);
  private reportFailure = $state.raw<EngineError | null>(null);

  isPending(key: string): boolean {
    return this.actions.isPending(key);
  }

  error(key: string) {
    return this.actions.error(key);
  }

  async loadImports(): Promise<void> {
    const r = await this.actions.run('imports', () => engine().reports.imports());
    if (r.ok) this.imports = r.value;
  }

  async previewFile(text: string, account: string, layout: TradeLayoutId | null): Promise<void> {
    this.imported = null;
    const r = await this.actions.run('preview', () =>
      engine().reports.previewImport(text, { account, layout }),
    );
    this.preview = r.ok ? r.value : null;
  }

  clearPreview(): void {
    this.preview = null;
    this.actions.clearError('preview');
    this.actions.clearError('commit');
  }

  async commit(
    text: string,
    account: string,
    layout: TradeLayoutId | null,
    fileName: string,
  ): Promise<boolean> {
    const r = await this.actions.run('commit', () =>
      engine().reports.commitImport(text, { account, layout, fileName }),
    );
    if (!r.ok) return false;
    this.imported = r.value;
    this.preview = null;
    await this.refreshAll();
    return true;
  }

  async remove(id: string): Promise<void> {
    const r = await this.actions.run(`remove:${id}`, () => engine().reports.removeImport(id));
    if (r.ok) await this.refreshAll();
  }

  async loadSources(): Promise<void> {
    const r = await this.actions.run('sources', () => engine().reports.taxSources());
    if (r.ok) this.sources = r.value;
  }

  /** Runs the report with the current options; a run still going is cancelled first. */
  async runReport(): Promise<void> {
    if (this.jobId) void engine().reports.cancel(this.jobId);
    const jobId = `tax-${++jobs}`;
    this.jobId = jobId;
    this.progress = null;
    const r = await this.actions.run(jobId, () =>
      engine().reports.taxReport(taxRequestOf(this.form), jobId, (p) => {
        if (this.jobId === jobId) this.progress = p;
      }),
    );
    this.actions.clearError(jobId);
    // A run replaced by a newer one says nothing: the newer one's outcome is what counts.
    if (this.jobId !== jobId) return;
    this.jobId = null;
    this.progress = null;
    if (r.ok) {
      this.reportFailure = null;
      this.report = r.value;
      const year = this.year;
      if (year !== null && year !== 'all' && !r.value.years.some((y) => y.taxYear === year)) this.year = null;
    } else if (r.error.code !== 'cancelled') {
      this.reportFailure = r.error;
      // A refused report shows its reason alone, never numbers from options it no longer matches.
      this.report = null;
    }
  }

  cancelReport(): void {
    if (this.jobId) void engine().reports.cancel(this.jobId);
  }

  /** True while the latest run is going. */
  get running(): boolean {
    return this.jobId !== null;
  }

  /** Why the latest finished run was refused; null after a success or a cancel. */
  get reportError(): EngineError | null {
    return this.reportFailure;
  }

  async refreshAll(): Promise<void> {
    await Promise.all([this.loadImports(), this.loadSources()]);
    if (this.hasFills) await this.runReport();
    else this.report = null;
  }

  get hasFills(): boolean {
    return this.sources !== null && this.sources.engineFills + this.sources.importedFills > 0;
  }

  /** The CSV of the year shown (or every year), made by the engine. */
  async csv(year: string | null): Promise<{ fileName: string; text: string } | null> {
    const r = await this.actions.run('csv', () =>
      engine().reports.taxCsv({ ...taxRequestOf(this.form), year }),
    );
    return r.ok ? r.value : null;
  }

  /** One method choice; a choice equal to what it overrides is dropped, so the plan stays minimal. */
  setMethod(year: string | null, account: string | null, method: TaxMethod): void {
    const form = this.form;
    if (year === null) form.method = method;
    else if (account === null) {
      const byYear = { ...form.byYear };
      if (method === form.method) delete byYear[year];
      else byYear[year] = method;
      form.byYear = byYear;
    } else {
      const accounts = { ...(form.byYearAccount[year] ?? {}) };
      if (method === (form.byYear[year] ?? form.method)) delete accounts[account];
      else accounts[account] = method;
      const byYearAccount = { ...form.byYearAccount };
      if (Object.keys(accounts).length === 0) delete byYearAccount[year];
      else byYearAccount[year] = accounts;
      form.byYearAccount = byYearAccount;
    }
    void this.runReport();
  }
}

export const reportsState = new ReportsState();
