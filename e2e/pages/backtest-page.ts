import { expect, type Download, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

/** The Backtest screen (src/routes/backtest/+page.svelte), as a user drives it. */
export class BacktestPage {
  readonly results: Locator;
  readonly csv: Locator;
  readonly strategy: Locator;
  readonly live: Locator;

  constructor(readonly page: Page) {
    this.results = page.getByTestId('results');
    this.csv = page.getByTestId('csv-import');
    this.strategy = page.locator('#bt-strategy');
    this.live = page.getByTestId('live-form');
  }

  get isPhone(): boolean {
    return (this.page.viewportSize()?.width ?? 1000) < 768;
  }

  /** Opens the screen from the app's navigation, as a person would (the nav scrolls on a phone). */
  async open(): Promise<void> {
    await this.page.goto('/');
    await this.page.waitForURL('**/trade');
    await this.page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    const link = this.page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('link', { name: 'Backtest' });
    await link.scrollIntoViewIfNeeded();
    await link.click();
    await expect(this.page.getByRole('heading', { name: 'Backtest', level: 1 })).toBeVisible();
  }

  /** The screen fits the viewport: only tables and charts scroll within themselves. */
  async expectNoSideScroll(): Promise<void> {
    const overflow = await this.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, 'page wider than the viewport by').toBeLessThanOrEqual(0);
  }

  dataset(name: string): Locator {
    return this.page.locator(`[data-testid="dataset-row"][data-name="${name}"]`);
  }

  /** Chooses a CSV file (a path, or a name and its text) and presses Import. */
  async importCsv(file: string | { name: string; text: string }): Promise<void> {
    await this.page.getByRole('radio', { name: 'Import CSV' }).check();
    const payload =
      typeof file === 'string'
        ? { name: file.split('/').pop() as string, mimeType: 'text/csv', buffer: readFileSync(file) }
        : { name: file.name, mimeType: 'text/csv', buffer: Buffer.from(file.text) };
    await this.csv.getByTestId('csv-file').setInputFiles(payload);
    await this.csv.getByTestId('csv-submit').click();
  }

  /** Answers "which column is the close?" and imports again; waits for the import to be confirmed. */
  async pickColumn(column: string): Promise<void> {
    const group = this.csv.getByTestId('csv-columns');
    await expect(group).toBeVisible();
    await group.getByRole('radio', { name: column, exact: true }).check();
    await this.csv.getByTestId('csv-submit').click();
    await expect(this.csv.getByTestId('csv-imported')).toBeVisible();
  }

  /** The problems a refused CSV shows, one text per problem. */
  csvProblems(): Locator {
    return this.csv.getByTestId('csv-problem');
  }

  async chooseStrategy(name: string): Promise<void> {
    await this.strategy.getByRole('radio', { name: 'Built-in' }).check();
    await this.strategy.getByTestId('strategy-picker').selectOption({ label: name });
  }

  async setParam(name: string, value: number | string): Promise<void> {
    await this.strategy.locator(`input[data-param="${name}"]`).fill(String(value));
  }

  async setFeePercent(value: string): Promise<void> {
    await this.page.getByLabel('Fee (%)').fill(value);
  }

  executionOption(which: 'close' | 'next-open'): Locator {
    return this.page.getByRole('radio', {
      name: which === 'close' ? 'At the close of the signal bar' : 'At the next bar’s open',
    });
  }

  /** Presses Run and waits for the new results (a run that fails throws with what the screen said). */
  async run(): Promise<void> {
    const before = Number(
      (await this.results.getAttribute('data-run', { timeout: 500 }).catch(() => null)) ?? 0,
    );
    await this.page.getByTestId('run').click();
    const error = this.page.getByTestId('run-error');
    const formErrors = this.page.getByTestId('form-errors');
    await expect
      .poll(
        async () => {
          if (await error.isVisible()) return `failed: ${await error.innerText()}`;
          if (await formErrors.isVisible())
            return `form: ${await this.page.getByTestId('field-error').allInnerTexts()}`;
          return Number(
            (await this.results.getAttribute('data-run', { timeout: 200 }).catch(() => null)) ?? 0,
          ) > before
            ? 'done'
            : 'running';
        },
        { timeout: 60_000, message: 'the backtest finishes' },
      )
      .toBe('done');
  }

  metric(id: string): Locator {
    return this.page.getByTestId(`metric-${id}`);
  }

  /** The exact number behind a metric card (its data attribute). */
  async metricValue(id: string): Promise<number> {
    return Number(await this.metric(id).getAttribute('data-value'));
  }

  /** The metric as the card shows it ("+12.34%", "n/a"). */
  async metricText(id: string): Promise<string> {
    return (await this.metric(id).locator('.v').innerText()).trim();
  }

  tradeRows(): Locator {
    return this.page.getByTestId('trade-row');
  }

  /** Clicks an export button and returns the downloaded file's name and text. */
  async export(which: 'trades' | 'equity' | 'json'): Promise<{ name: string; text: string }> {
    const [download]: [Download, void] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByTestId(`export-${which}`).click(),
    ]);
    const path = await download.path();
    return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
  }

  /** Starts the current strategy live on paper on a market and timeframe, through the confirmation. */
  async startOnPaper(symbol: string, timeframe: string): Promise<void> {
    await expect(this.live.getByTestId('live-symbol').locator(`option[value="${symbol}"]`)).toHaveCount(1, {
      timeout: 45_000,
    });
    await this.live.getByTestId('live-symbol').selectOption(symbol);
    await this.live.getByTestId('live-timeframe').selectOption(timeframe);
    await this.live.getByRole('radio', { name: 'Paper' }).check();
    await this.live.getByTestId('live-start').click();
    const dialog = this.page.getByTestId('live-confirm');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('live-confirm-start').click();
    await expect(dialog).toBeHidden({ timeout: 20_000 });
  }

  liveRun(symbol: string): Locator {
    return this.page.locator(`[data-testid="live-run"][data-symbol="${symbol}"]`);
  }
}
