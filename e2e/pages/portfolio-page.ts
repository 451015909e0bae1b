import { expect, type Locator, type Page } from '@playwright/test';

/** Text like "1,234.56 USDT", "−0.5", "0.01500000" as a number (the UI's minus sign included). */
export function parseNumber(text: string): number {
  const clean = text.replace(/−/g, '-').replace(/[^0-9.+-]/g, '');
  return Number(clean);
}

/** The portfolio, risk, rebalance and executive screens, as a user sees them. */
export class PortfolioPage {
  readonly holdings: Locator;
  readonly total: Locator;

  constructor(readonly page: Page) {
    this.holdings = page.getByTestId('holding-row');
    this.total = page.getByTestId('total-value');
  }

  get isPhone(): boolean {
    return (this.page.viewportSize()?.width ?? 1000) < 768;
  }

  /** Through the navigation, like a person would (the nav scrolls sideways on a phone). */
  async go(screen: 'Portfolio' | 'Risk' | 'Rebalance' | 'Executive'): Promise<void> {
    const link = this.page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: screen });
    await link.scrollIntoViewIfNeeded();
    await link.click();
    await expect(this.page.getByRole('heading', { name: screen, level: 1 })).toBeVisible();
  }

  /** The screen fits the viewport: nothing makes the page scroll sideways (tables scroll within themselves). */
  async expectNoSideScroll(): Promise<void> {
    const overflow = await this.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, 'page wider than the viewport by').toBeLessThanOrEqual(0);
  }

  holding(asset: string): Locator {
    return this.page.locator(`[data-testid="holding-row"][data-asset="${asset}"]`).first();
  }

  async holdingAmount(asset: string): Promise<number> {
    return Number(await this.holding(asset).getAttribute('data-amount'));
  }

  async holdingValue(asset: string): Promise<number> {
    return Number(await this.holding(asset).getAttribute('data-value'));
  }

  async totalValue(): Promise<number> {
    return parseNumber(await this.total.locator('.v').innerText());
  }

  /** Holding weights in percent, from the allocation by asset. */
  async weights(): Promise<Record<string, number>> {
    const rows = this.page.getByTestId('alloc-asset').locator('li');
    const out: Record<string, number> = {};
    for (const row of await rows.all()) {
      const key = (await row.getAttribute('data-key')) as string;
      out[key] = parseNumber(await row.locator('.share').innerText());
    }
    return out;
  }

  /** Replaces the rebalance targets with these rows (percent text). */
  async setTargets(targets: Record<string, string>): Promise<void> {
    const rows = this.page.getByTestId('target-row');
    while ((await rows.count()) > 0) await rows.first().getByRole('button').click();
    for (const [asset, weight] of Object.entries(targets)) {
      await this.page.getByRole('button', { name: 'Add asset' }).click();
      const row = rows.last();
      await row.locator('input').first().fill(asset);
      await row.locator('input').nth(1).fill(weight);
    }
  }

  /** The rebalance targets as shown: asset to percent text. */
  async targets(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const row of await this.page.getByTestId('target-row').all())
      out[await row.locator('input').first().inputValue()] = await row.locator('input').nth(1).inputValue();
    return out;
  }

  leg(symbol: string): Locator {
    return this.page.locator(`[data-testid="leg"][data-symbol="${symbol}"]`);
  }

  legResult(symbol: string): Locator {
    return this.page.locator(`[data-testid="leg-result"][data-symbol="${symbol}"]`);
  }

  async plan(): Promise<void> {
    await this.page.getByTestId('plan').click();
    await expect(this.page.getByTestId('drift')).toBeVisible();
  }

  /** Chooses what happens when a leg is rejected, sends the batch and confirms it once. */
  async send(mode: 'Stop everything' | 'Send the others'): Promise<void> {
    await this.page.getByRole('radio', { name: new RegExp(mode) }).check();
    await this.page.getByTestId('send-batch').click();
    const dialog = this.page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('confirm-batch').click();
    await expect(dialog).toBeHidden({ timeout: 20_000 });
    await expect(this.page.getByTestId('batch-result')).toBeVisible();
  }
}
