import { expect, type Locator, type Page } from '@playwright/test';

/** The trade screen, as a user sees it. */
export class TradePage {
  readonly connection: Locator;
  readonly bids: Locator;
  readonly asks: Locator;
  readonly spread: Locator;
  readonly trades: Locator;
  readonly lastPrice: Locator;
  readonly candleChart: Locator;
  /** The line above the candles: the newest candle's open, high, low, close and volume. */
  readonly candleReadout: Locator;
  readonly depthChart: Locator;
  readonly picker: Locator;
  readonly offlineBanner: Locator;

  constructor(readonly page: Page) {
    this.connection = page.getByTestId('connection');
    this.bids = page.getByTestId('bids').locator('tbody tr');
    this.asks = page.getByTestId('asks').locator('tbody tr');
    this.spread = page.getByTestId('spread');
    this.trades = page.getByTestId('trades').locator('tbody tr');
    this.lastPrice = page.getByTestId('last-price');
    this.candleChart = page.getByTestId('candle-chart');
    this.candleReadout = this.candleChart.getByTestId('chart-readout');
    this.depthChart = page.getByTestId('depth-chart');
    this.picker = page.getByTestId('symbol-picker');
    this.offlineBanner = page.getByTestId('offline-banner');
  }

  get isPhone(): boolean {
    return (this.page.viewportSize()?.width ?? 1000) < 768;
  }

  async open(): Promise<void> {
    await this.page.goto('/');
    await this.page.waitForURL('**/trade');
    await this.page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
  }

  async waitLive(): Promise<void> {
    await expect(this.connection).toHaveAttribute('data-state', 'live', { timeout: 45_000 });
    await expect(this.bids.first()).toBeVisible();
  }

  /** On a phone the book, trades and depth share one place behind tabs. */
  async show(panel: 'Order book' | 'Trades' | 'Depth'): Promise<void> {
    if (this.isPhone) await this.page.getByRole('tab', { name: panel }).click();
  }

  async bookText(): Promise<string> {
    return (
      (await this.page.getByTestId('bids').innerText()) + (await this.page.getByTestId('asks').innerText())
    );
  }

  async chooseTimeframe(tf: string): Promise<void> {
    await this.page.getByRole('radio', { name: tf, exact: true }).click();
    await expect(this.page.getByRole('radio', { name: tf, exact: true })).toHaveAttribute(
      'aria-checked',
      'true',
    );
  }

  async chooseSymbol(query: string, symbol: string): Promise<void> {
    await this.picker.click();
    const search = this.page.getByRole('combobox', { name: 'Search markets' });
    await search.fill(query);
    await this.page.getByRole('option', { name: new RegExp(symbol.replace('/', '\\s*/\\s*')) }).click();
    await expect(this.picker).toContainText(symbol);
  }
}
