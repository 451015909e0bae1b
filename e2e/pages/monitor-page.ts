import { expect, type Locator, type Page } from '@playwright/test';

/** The Monitor screen ("HFT dashboard"), as a user sees it. */
export class MonitorPage {
  readonly feeds: Locator;
  readonly tickToPaint: Locator;
  readonly roundTrip: Locator;
  readonly health: Locator;
  readonly healthState: Locator;
  readonly engine: Locator;
  readonly longTasks: Locator;
  readonly offlineNote: Locator;

  constructor(readonly page: Page) {
    this.feeds = page.getByTestId('feed-card');
    this.tickToPaint = page.getByTestId('tick-to-paint');
    this.roundTrip = page.getByTestId('order-round-trip');
    this.health = page.getByTestId('server-health');
    this.healthState = page.getByTestId('server-health-state');
    this.engine = page.getByTestId('engine-panel');
    this.longTasks = page.getByTestId('long-tasks');
    this.offlineNote = page.getByTestId('monitor-offline');
  }

  /** Through the nav, as a user goes: the engine worker (and what it counted) stays the same. */
  async openFromNav(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('link', { name: 'Monitor' })
      .click();
    await this.page.waitForURL('**/monitor');
    await expect(this.page.getByRole('heading', { name: 'Monitor', level: 1 })).toBeVisible();
  }

  feed(exchange: string, stream: 'book' | 'trades' | 'candles' | 'tickers'): Locator {
    return this.page.locator(
      `[data-testid="feed-card"][data-exchange="${exchange}"][data-stream="${stream}"]`,
    );
  }

  /** Messages per second shown on a feed's card. */
  async rate(exchange: string, stream: 'book' | 'trades' | 'candles' | 'tickers'): Promise<number> {
    return Number(await this.feed(exchange, stream).getByTestId('feed-rate').innerText());
  }

  /** The running message total on a feed's card. */
  async total(exchange: string, stream: 'book' | 'trades' | 'candles' | 'tickers'): Promise<number> {
    const text = await this.feed(exchange, stream).locator('dt:text-is("Total") + dd').innerText();
    return Number(text.replace(/[^\d]/g, ''));
  }
}
