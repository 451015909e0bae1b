import { expect, type Locator, type Page } from '@playwright/test';

type Panel = 'Open orders' | 'Positions' | 'Algos' | 'History' | 'Fills' | 'Live vs paper';

/** The order ticket and the orders panels of the Trade screen. */
export class TicketPage {
  readonly ticket: Locator;
  readonly submit: Locator;
  readonly result: Locator;
  readonly error: Locator;
  readonly preview: Locator;

  constructor(readonly page: Page) {
    this.ticket = page.getByTestId('order-ticket');
    this.submit = page.getByTestId('ticket-submit');
    this.result = page.getByTestId('ticket-result');
    this.error = page.getByTestId('ticket-error');
    this.preview = page.getByTestId('ticket-preview');
  }

  /** On a phone the ticket sits below the chart; bring it into view like a thumb would. */
  async reveal(): Promise<void> {
    await this.ticket.scrollIntoViewIfNeeded();
  }

  async side(side: 'buy' | 'sell'): Promise<void> {
    await this.ticket.getByRole('radio', { name: side === 'buy' ? 'Buy' : 'Sell', exact: true }).click();
  }

  async type(type: string): Promise<void> {
    await this.page.locator('#tk-type').selectOption(type);
  }

  async algo(kind: 'twap' | 'vwap' | 'iceberg' | 'pov'): Promise<void> {
    await this.type('algo');
    await this.page.locator('#tk-algo').selectOption(kind);
  }

  async field(label: string, value: string): Promise<void> {
    // Labels carry their unit: "Price (USDT)", "Amount (BTC)".
    const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const input = this.ticket.getByRole('textbox', { name: new RegExp(`^${escaped}(\\s*\\(.*\\))?$`) });
    await input.fill(value);
  }

  /** The last traded price shown above the chart. */
  async last(): Promise<number> {
    const text = await this.page.getByTestId('last-price').innerText();
    return Number(text.replace(/[^0-9.]/g, ''));
  }

  /** Sends the order once the preview allows it; returns the id the engine gave it. */
  async place(): Promise<string> {
    await expect(this.submit).toBeEnabled({ timeout: 15_000 });
    await this.submit.click();
    await expect(this.result).toBeVisible({ timeout: 15_000 });
    const text = await this.result.innerText();
    const id = /Order (\S+)/.exec(text)?.[1];
    expect(id, `placed order id in "${text}"`).toBeTruthy();
    return id as string;
  }

  async panel(name: Panel): Promise<void> {
    await this.page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
  }

  openRow(id: string): Locator {
    return this.page.locator(`[data-testid="order-row"][data-order-id="${id}"]`);
  }

  historyRow(id: string): Locator {
    return this.page.locator(`[data-testid="history-row"][data-order-id="${id}"]`);
  }

  algoRow(id: string): Locator {
    return this.page.locator(`[data-testid="algo-row"][data-algo-id="${id}"]`);
  }

  async expectFilled(id: string): Promise<void> {
    await this.panel('History');
    await expect(this.historyRow(id)).toHaveAttribute('data-status', 'filled', { timeout: 30_000 });
  }

  async expectResting(id: string): Promise<void> {
    await this.panel('Open orders');
    await expect(this.openRow(id)).toHaveAttribute('data-status', /open|partially-filled/, {
      timeout: 20_000,
    });
  }

  /** Orders as stored in this origin's IndexedDB: what a reload or another tab would see. */
  async storedOrders(prefix: string): Promise<Array<{ id: string; status: string; filled: string }>> {
    return this.page.evaluate(
      (p) =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open('lyra');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const req = db.transaction('orders').objectStore('orders').getAll();
            req.onsuccess = () => {
              const rows = (req.result as Array<{ id: string; status: string; filled: string }>).filter((o) =>
                o.id.startsWith(p),
              );
              db.close();
              resolve(rows.map(({ id, status, filled }) => ({ id, status, filled })));
            };
            req.onerror = () => reject(req.error);
          };
        }),
      prefix,
    );
  }
}
