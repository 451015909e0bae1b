import { expect, expectNoAxeViolations, screenshot, test } from './fixtures';
import type { Page } from '@playwright/test';
import { TicketPage } from './pages/ticket-page';
import type { TradePage } from './pages/trade-page';

/**
 * Paper trading from the UI on the sandbox exchange: every order type goes through the trading worker,
 * its risk gate and the paper matcher against the sandbox's live book and tape.
 */

const price = (x: number) => x.toFixed(2);

/** The Trade screen, live, with the ticket in view. */
async function openTicket(trade: TradePage, page: Page): Promise<TicketPage> {
  const t = new TicketPage(page);
  await trade.open();
  await trade.waitLive();
  await t.reveal();
  return t;
}

/** Places a limit buy 2 % below the last price, where it rests. */
async function restingLimit(t: TicketPage): Promise<string> {
  await t.type('limit');
  await t.field('Price', price((await t.last()) * 0.98));
  await t.field('Amount', '0.001');
  const id = await t.place();
  await t.expectResting(id);
  return id;
}

test.describe('Paper trading', () => {
  test('places every order type from the ticket and sees each filled or resting', async ({
    trade,
    page,
  }, testInfo) => {
    test.setTimeout(180_000);
    const t = await openTicket(trade, page);

    // Market buy: fills against the book.
    await t.side('buy');
    await t.type('market');
    await t.field('Amount', '0.01');
    await expect(t.preview.getByTestId('risk-check').first()).toBeVisible();
    await screenshot(page, testInfo, 'ticket-preview');
    const market = await t.place();
    await t.expectFilled(market);

    // Limit buy well below the market: rests with its queue position.
    let last = await t.last();
    await restingLimit(t);

    // Stop market (sell, below the market) and stop limit: wait for their trigger.
    await t.side('sell');
    await t.type('stop-market');
    await t.field('Stop price', price(last * 0.97));
    await t.field('Amount', '0.001');
    await t.expectResting(await t.place());

    await t.type('stop-limit');
    await t.field('Stop price', price(last * 0.97));
    await t.field('Limit price', price(last * 0.969));
    await t.field('Amount', '0.001');
    await t.expectResting(await t.place());

    // Take profit (sell above the market).
    await t.type('take-profit');
    await t.field('Trigger price', price(last * 1.03));
    await t.field('Limit price (optional)', '');
    await t.field('Amount', '0.001');
    await t.expectResting(await t.place());

    // Trailing stop by percent.
    await t.type('trailing-stop');
    await t.field('Trail', '2');
    await t.field('Amount', '0.001');
    // Lyra runs this order itself, and says so before it is sent.
    await expect(page.getByTestId('emulated-note')).toContainText(/keep the app open/i);
    await t.expectResting(await t.place());

    // OCO: both legs rest.
    last = await t.last();
    await t.type('oco');
    await t.field('Take-profit price', price(last * 1.03));
    await t.field('Stop price', price(last * 0.97));
    await t.field('Amount', '0.001');
    const oco = await t.place();
    await t.expectResting(`${oco}-tp`);
    await t.expectResting(`${oco}-sl`);

    // Bracket with a market entry: the entry fills, the exits rest.
    await t.side('buy');
    await t.type('bracket');
    await t.ticket.getByRole('radio', { name: 'Market', exact: true }).check();
    last = await t.last();
    await t.field('Take-profit price', price(last * 1.03));
    await t.field('Stop-loss price', price(last * 0.97));
    await t.field('Amount', '0.001');
    const bracket = await t.place();
    await t.expectFilled(bracket);
    await t.expectResting(`${bracket}-x-tp`);
    await t.expectResting(`${bracket}-x-sl`);

    // Algos: an iceberg at a marketable limit completes; TWAP, VWAP and POV start and run.
    last = await t.last();
    await t.algo('iceberg');
    await t.field('Visible size', '0.001');
    await t.field('Limit price', price(last * 1.01));
    await t.field('Amount', '0.002');
    const iceberg = await t.place();
    await t.panel('Algos');
    await expect(t.algoRow(iceberg)).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });

    for (const kind of ['twap', 'vwap'] as const) {
      await t.algo(kind);
      await t.field('Duration', '1');
      await t.field('Slices', '4');
      await t.field('Amount', '0.002');
      const id = await t.place();
      await t.panel('Algos');
      await expect(t.algoRow(id)).toHaveAttribute('data-status', /running|completed/);
    }
    await t.algo('pov');
    await t.field('Participation', '10');
    await t.field('Amount', '0.002');
    const pov = await t.place();
    await t.panel('Algos');
    await expect(t.algoRow(pov)).toHaveAttribute('data-status', /running|completed/);
    await screenshot(page, testInfo, 'trading-algos');

    await t.panel('Open orders');
    await screenshot(page, testInfo, 'trading-open-orders');
    await expectNoAxeViolations(page);
  });

  test('says why a bad order is refused next to the field and keeps it from being sent', async ({
    trade,
    page,
  }) => {
    const t = await openTicket(trade, page);
    await t.type('limit');
    await t.field('Price', '0.001');
    await t.field('Amount', '0.001');
    // The preview says why, next to the field, and the submit stays disabled.
    await expect(t.ticket.getByText(/tick|minimum|band/i).first()).toBeVisible();
    await expect(t.submit).toBeDisabled();
    await t.field('Amount', '100');
    await t.field('Price', price(await t.last()));
    await expect(t.preview.locator('[data-testid="risk-check"][data-passed="false"]').first()).toBeVisible();
    await expect(t.submit).toBeDisabled();
  });

  test('kill switch cancels every open order and refuses new ones until re-armed', async ({
    trade,
    page,
  }, testInfo) => {
    const t = await openTicket(trade, page);
    const id = await restingLimit(t);

    // The hotkey opens the confirmation; confirming halts everything.
    await page.keyboard.press('Control+Shift+K');
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Halt trading' }).click();
    await expect(page.getByTestId('halt-banner')).toBeVisible();
    await expect(page.getByTestId('halt-banner')).toHaveAttribute('data-rule', 'kill-switch');
    await t.panel('History');
    await expect(t.historyRow(id)).toHaveAttribute('data-status', 'cancelled');
    // New orders are refused while halted.
    await t.type('market');
    await t.field('Amount', '0.001');
    await expect(t.preview.locator('[data-testid="risk-check"][data-passed="false"]').first()).toBeVisible();
    await expect(t.submit).toBeDisabled();
    await screenshot(page, testInfo, 'kill-switch');
    // Re-arming before the cool-down is refused with the time left.
    await page.getByTestId('rearm').click();
    await expect(page.getByTestId('rearm-error')).toContainText(/\d+\s*s/);
  });

  test('a daily-loss circuit breaker trips after a losing fill and halts trading', async ({
    trade,
    settings,
    page,
  }) => {
    const t = new TicketPage(page);
    await trade.open();
    await trade.waitLive();
    await settings.open();
    const form = page.getByTestId('risk-limits-form');
    await form.getByLabel(/daily loss/i).fill('0.01');
    await form.getByRole('button', { name: /save/i }).click();
    await expect(form.getByText(/saved/i)).toBeVisible();
    await page.getByRole('link', { name: 'Trade' }).click();
    await trade.waitLive();
    await t.reveal();
    // Buying pays the spread and a fee: equity drops by more than 0.01 USDT at once.
    await t.type('market');
    await t.field('Amount', '0.01');
    await t.expectFilled(await t.place());
    await expect(page.getByTestId('halt-banner')).toHaveAttribute('data-rule', 'daily-loss', {
      timeout: 20_000,
    });
    await expect(page.getByTestId('halt-banner')).toContainText(/daily loss/i);
  });

  test('a reload in the middle of a TWAP resumes it with no duplicate child order', async ({
    trade,
    page,
  }) => {
    test.setTimeout(120_000);
    const t = await openTicket(trade, page);
    await t.algo('twap');
    await t.field('Duration', '0.5');
    await t.field('Slices', '5');
    await t.field('Amount', '0.005');
    const id = await t.place();
    await expect
      .poll(async () => (await t.storedOrders(`${id}-`)).length, { timeout: 20_000 })
      .toBeGreaterThan(0);
    const before = (await t.storedOrders(`${id}-`)).length;
    expect(before).toBeLessThan(5);

    await page.reload();
    await trade.waitLive();
    await t.panel('Algos');
    await expect(t.algoRow(id)).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
    const children = await t.storedOrders(`${id}-`);
    expect(new Set(children.map((c) => c.id)).size).toBe(children.length);
    const filled = children.reduce((s, c) => s + Math.round(Number(c.filled) * 1e5), 0);
    expect(filled).toBe(500);
  });

  test('two tabs: one leads, the other places through it, and it takes over when the leader closes', async ({
    trade,
    page,
    context,
  }) => {
    test.setTimeout(120_000);
    await trade.open();
    await trade.waitLive();
    await expect(page.getByTestId('leader-badge')).toHaveAttribute('data-leader', 'true');

    const second = await context.newPage();
    await second.goto('/trade');
    const t2 = new TicketPage(second);
    await expect(second.getByTestId('leader-badge')).toHaveAttribute('data-leader', 'false', {
      timeout: 30_000,
    });
    await t2.reveal();
    const resting = await restingLimit(t2);
    // The leader tab shows the follower's order too.
    const t1 = new TicketPage(page);
    await t1.expectResting(resting);

    await page.close();
    await expect(second.getByTestId('leader-badge')).toHaveAttribute('data-leader', 'true', {
      timeout: 30_000,
    });
    await t2.expectResting(resting);
    await t2.type('market');
    await t2.field('Amount', '0.001');
    await t2.expectFilled(await t2.place());
  });

  test('the audit log shows every decision with its rule, and filters by kind', async ({
    trade,
    page,
  }, testInfo) => {
    const t = await openTicket(trade, page);
    await t.type('market');
    await t.field('Amount', '0.001');
    const id = await t.place();
    await t.expectFilled(id);

    await page.getByRole('link', { name: 'Audit' }).click();
    await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
    const rows = page.getByTestId('audit-row');
    await expect(rows.filter({ hasText: id }).first()).toBeVisible();
    for (const kind of ['order-accepted', 'order-sent', 'order-filled'])
      await expect(page.locator(`[data-testid="audit-row"][data-kind="${kind}"]`).first()).toBeVisible();

    await page.locator('#au-kind').selectOption('order-filled');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(rows.first()).toHaveAttribute('data-kind', 'order-filled');
    const kinds = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(new Set(kinds)).toEqual(new Set(['order-filled']));
    await screenshot(page, testInfo, 'audit');
    await expectNoAxeViolations(page);
  });

  test('risk limits and the paper account are edited in Settings, with reasons for bad values', async ({
    trade,
    settings,
    page,
  }, testInfo) => {
    await trade.open();
    await trade.waitLive();
    await settings.open();
    const form = page.getByTestId('risk-limits-form');
    await form.getByLabel(/max order value/i).fill('-5');
    await form.getByRole('button', { name: /save/i }).click();
    await expect(form.getByText(/above 0|positive|must be/i).first()).toBeVisible();
    await form.getByLabel(/max order value/i).fill('2500');
    await form.getByRole('button', { name: /save/i }).click();
    await expect(form.getByText(/saved/i)).toBeVisible();
    await page.reload();
    await settings.heading.waitFor();
    await expect(page.getByTestId('risk-limits-form').getByLabel(/max order value/i)).toHaveValue('2500');
    await expect(page.getByTestId('paper-form')).toBeVisible();
    await screenshot(page, testInfo, 'settings-trading');
    await expectNoAxeViolations(page);
  });
});
