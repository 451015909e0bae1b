import { engine } from '$lib/engine/engine';
import { KeyedActions, type Outcome } from './keyed-actions.svelte';
import { announceDataReplaced } from './backups.svelte';
import { downloadBlob } from '$lib/files/download';
import type {
  CandleCsvPreview,
  CandleImportRequest,
  CandleImportResult,
  DataExportRequest,
  DataOverview,
  DatabaseExportFile,
  DatabasePreview,
  EngineError,
  JobProgress,
} from '$workers/api';

type Job = 'export' | 'preview' | 'import';

/**
 * The data screen's state: what is on the device, the exports, the database file being checked and
 * imported (with progress and cancel), and the candle file. Every action has a pending flag and an
 * error under its key: "overview", "records:<kind>:<format>", "export", "preview", "import",
 * "candles-preview", "candles".
 */
class DataState {
  overview = $state.raw<DataOverview | null>(null);
  progress = $state.raw<Readonly<Partial<Record<Job, JobProgress>>>>({});
  cancelling = $state.raw<Readonly<Partial<Record<Job, true>>>>({});
  preview = $state.raw<DatabasePreview | null>(null);
  /** The last whole-database export, to say what was saved. */
  exported = $state.raw<DatabaseExportFile | null>(null);
  candlePreview = $state.raw<CandleCsvPreview | null>(null);
  candleResult = $state.raw<CandleImportResult | null>(null);
  /** Set after an import wrote everything, until the page reloads. */
  reloading = $state(false);
  private readonly actions = new KeyedActions();
  private readonly jobIds: Partial<Record<Job, string>> = {};

  isPending(key: string): boolean {
    return this.actions.isPending(key);
  }

  error(key: string): EngineError | null {
    return this.actions.error(key);
  }

  clearError(key: string): void {
    this.actions.clearError(key);
  }

  load() {
    return this.actions.run('overview', async () => {
      this.overview = await engine().data.overview();
    });
  }

  exportRecords(request: DataExportRequest) {
    return this.actions.run(`records:${request.kind}:${request.format}`, async () => {
      const file = await engine().data.exportRecords(request);
      downloadBlob(new Blob([file.text], { type: file.mimeType }), file.fileName);
      return file.rows;
    });
  }

  async exportDatabase(): Promise<Outcome<DatabaseExportFile>> {
    this.exported = null;
    const r = await this.job('export', (id, progress) => engine().data.exportDatabase(id, progress));
    if (r.ok) {
      this.exported = r.value;
      downloadBlob(r.value.blob, r.value.fileName);
    }
    return r;
  }

  async previewDatabase(file: File): Promise<Outcome<DatabasePreview>> {
    this.discardPreview();
    const r = await this.job('preview', (id, progress) => engine().data.previewDatabase(file, id, progress));
    if (r.ok) this.preview = r.value;
    return r;
  }

  discardPreview(): void {
    if (this.preview) void engine().data.discardDatabasePreview(this.preview.previewId);
    this.preview = null;
    this.clearError('preview');
    this.clearError('import');
  }

  /** Replaces this device's tables with the file's; then every open tab reloads so all services read them. */
  async importDatabase(): Promise<Outcome<unknown>> {
    const preview = this.preview;
    if (!preview)
      return { ok: false, error: { code: 'ui', message: 'Choose a file first.', retryable: false } };
    const r = await this.job('import', (id, progress) =>
      engine().data.importDatabase(preview.previewId, id, progress),
    );
    if (r.ok) {
      this.reloading = true;
      announceDataReplaced({ imported: true });
      location.reload();
    }
    return r;
  }

  async cancel(job: Job): Promise<void> {
    const id = this.jobIds[job];
    if (!id) return;
    this.cancelling = { ...this.cancelling, [job]: true };
    await engine().data.cancel(id);
  }

  previewCandles(text: string, fixOrder: boolean) {
    this.candleResult = null;
    return this.actions.run('candles-preview', async () => {
      this.candlePreview = await engine().data.previewCandles({ text, fixOrder });
      return this.candlePreview;
    });
  }

  dismissCandles(): void {
    this.candlePreview = null;
    this.candleResult = null;
    this.clearError('candles-preview');
    this.clearError('candles');
  }

  importCandles(request: CandleImportRequest) {
    this.candleResult = null;
    return this.actions.run('candles', async () => {
      this.candleResult = await engine().data.importCandles(request);
      void this.load();
      return this.candleResult;
    });
  }

  /** Runs a cancellable job under its key, with its progress shown until it ends. */
  private job<T>(
    job: Job,
    work: (jobId: string, progress: (p: JobProgress) => void) => Promise<T>,
  ): Promise<Outcome<T>> {
    const id = crypto.randomUUID();
    this.jobIds[job] = id;
    this.progress = { ...this.progress, [job]: undefined };
    return this.actions
      .run(job, () => work(id, (p) => (this.progress = { ...this.progress, [job]: p })))
      .finally(() => {
        delete this.jobIds[job];
        this.progress = { ...this.progress, [job]: undefined };
        this.cancelling = { ...this.cancelling, [job]: undefined };
      });
  }
}

export const dataState = new DataState();
