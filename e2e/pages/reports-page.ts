import { expect, type Locator, type Page } from '@playwright/test';

/** The Reports screen as a user sees it: trade import and the tax report. */
export class ReportsPage {
  readonly importForm: Locator;
  readonly preview: Locator;
  readonly report: Locator;

  constructor(readonly page: Page) {
    this.importForm = page.getByTestId('trade-import');
    this.preview = page.getByTestId('import-preview');
    this.report = page.getByTestId('tax-report');
  }

  async open(): Promise<void> {
    await this.page.goto('/reports');
    await this.page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    await expect(this.page.getByRole('heading', { name: 'Reports', level: 1 })).toBeVisible();
  }

  /** Chooses a file through the file input, as the file picker would, after naming the account. */
  async chooseFile(name: string, text: string, account: string): Promise<void> {
    await this.importForm.getByLabel('Account').fill(account);
    await this.importForm.getByLabel('Account').blur();
    await this.importForm
      .getByTestId('import-file')
      .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
    await expect(this.preview).toBeVisible();
  }

  count(which: 'new' | 'duplicate' | 'bad'): Locator {
    return this.preview.getByTestId(`count-${which}`).locator('.n');
  }

  get submit(): Locator {
    return this.importForm.getByTestId('import-submit');
  }

  async chooseYear(value: string): Promise<void> {
    await this.report.getByTestId('tax-year').selectOption(value);
  }

  /** A total card's exact value (data-value holds the engine's decimal text). */
  async total(name: string): Promise<number> {
    const v = await this.report.locator(`[data-total="${name}"]`).getAttribute('data-value');
    return Number(v);
  }

  /** The matches shown: [lot, gain] each, gains as exact decimals. */
  async matches(): Promise<Array<[string, number]>> {
    const rows = this.report.getByTestId('tax-match');
    const out: Array<[string, number]> = [];
    for (const row of await rows.all())
      out.push([(await row.getAttribute('data-lot')) as string, Number(await row.getAttribute('data-gain'))]);
    return out;
  }

  async expectNoSideScroll(): Promise<void> {
    const overflow = await this.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, 'page wider than the viewport by').toBeLessThanOrEqual(0);
  }
}
