import { expect, type Locator, type Page } from '@playwright/test';

/** The live-trading parts of the Trade screen: the account switch, the live badge and connection. */
export class LivePage {
  readonly switcher: Locator;
  readonly switchError: Locator;
  readonly badge: Locator;
  readonly connection: Locator;
  readonly nextStep: Locator;
  readonly ticket: Locator;
  readonly panels: Locator;

  constructor(readonly page: Page) {
    this.switcher = page.getByLabel('Account', { exact: true });
    this.switchError = page.getByTestId('account-switch-error');
    this.badge = page.getByTestId('live-status').getByTestId('account-badge');
    this.connection = page.getByTestId('live-status').getByTestId('live-connection');
    this.nextStep = page.getByTestId('live-next-step');
    this.ticket = page.getByTestId('order-ticket');
    this.panels = page.getByRole('region', { name: 'Orders and positions' });
  }

  /** Chooses an account in the ticket's switch by the label the vault gave it. */
  async use(label: string): Promise<void> {
    const option = this.switcher.locator('option', { hasText: label });
    await expect(option).toHaveCount(1, { timeout: 20_000 });
    const value = await option.getAttribute('value');
    await this.switcher.selectOption(value!);
  }

  async expectLive(label: string): Promise<void> {
    await expect(this.badge).toHaveText('Live · sandbox');
    await expect(this.ticket).toHaveAttribute('data-account', 'live');
    await expect(this.panels).toHaveAttribute('data-account', 'live');
    await expect(this.switcher.locator('option:checked')).toContainText(label);
  }

  async expectStreaming(): Promise<void> {
    await expect(this.connection).toHaveAttribute('data-status', 'streaming', { timeout: 30_000 });
  }

  fillRows(orderId: string): Locator {
    return this.page.locator(`[data-testid="fill-row"][data-order-id="${orderId}"]`);
  }
}
