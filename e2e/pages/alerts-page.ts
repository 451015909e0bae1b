import { expect, type Locator, type Page } from '@playwright/test';

/** The alerts screen, as a user sees it. */
export class AlertsPage {
  readonly form: Locator;
  readonly list: Locator;
  readonly items: Locator;
  readonly history: Locator;
  readonly historyItems: Locator;
  readonly toasts: Locator;
  readonly formError: Locator;

  constructor(readonly page: Page) {
    this.form = page.getByTestId('alert-form');
    this.list = page.getByTestId('alert-list');
    this.items = page.getByTestId('alert-item');
    this.history = page.getByTestId('alert-history');
    this.historyItems = page.getByTestId('history-item');
    this.toasts = page.getByTestId('alert-toast');
    this.formError = page.getByTestId('alert-form-error');
  }

  async open(): Promise<void> {
    await this.page.goto('/alerts');
    await this.page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    await expect(this.page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  }

  async waitLive(): Promise<void> {
    await expect(this.page.getByTestId('connection')).toHaveAttribute('data-state', 'live', {
      timeout: 45_000,
    });
  }

  /** Fills the price form: symbol, direction, and a level (or the current price when level is null). */
  async priceAlert(symbol: string, direction: 'either' | 'above' | 'below', level: string | null) {
    await this.form.getByTestId('alert-kind').selectOption('price-cross');
    await this.form.getByTestId('alert-symbol').fill(symbol);
    await this.form.getByTestId('alert-direction').selectOption(direction);
    if (level === null) {
      await this.form.getByTestId('alert-use-price').click();
      await expect(this.form.getByTestId('alert-level')).not.toHaveValue('');
    } else await this.form.getByTestId('alert-level').fill(level);
  }

  async level(): Promise<string> {
    return this.form.getByTestId('alert-level').inputValue();
  }

  async setLevel(level: string): Promise<void> {
    await this.form.getByTestId('alert-level').fill(level);
  }

  async band(value: string): Promise<void> {
    await this.form.getByLabel(/Re-arm band/).fill(value);
  }

  async create(): Promise<void> {
    await this.form.getByTestId('alert-create').click();
  }
}
