import { expect, expectNoAxeViolations, longTasksSince, screenshot, test } from './fixtures';
import type { Page } from '@playwright/test';
import { MonitorPage } from './pages/monitor-page';
import { TicketPage } from './pages/ticket-page';

function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test.describe('Monitor', () => {
  test('live feed rates, latency histograms, queues and server health; offline says so', async ({
    trade,
    page,
    context,
  }, testInfo) => {
    test.setTimeout(180_000);
    const errors = pageErrors(page);
    await trade.open();
    await trade.waitLive();
    // One paper order, so the round-trip histogram has a sample.
    const ticket = new TicketPage(page);
    await ticket.reveal();
    await ticket.side('buy');
    await ticket.type('market');
    await ticket.field('Amount', '0.001');
    await ticket.expectFilled(await ticket.place());

    const monitor = new MonitorPage(page);
    await monitor.openFromNav();
    const book = monitor.feed('binance', 'book');
    await expect(book).toBeVisible();
    await expect.poll(() => monitor.rate('binance', 'book'), { timeout: 15_000 }).toBeGreaterThan(0);
    // Live: the count moves between two reads a couple of seconds apart.
    const watchingFrom = await page.evaluate(() => performance.now());
    const first = await monitor.total('binance', 'book');
    await expect.poll(() => monitor.total('binance', 'book'), { timeout: 10_000 }).toBeGreaterThan(first);
    // Read the rate a second time, once the total moved: still flowing, not one burst.
    await expect.poll(() => monitor.rate('binance', 'book'), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect(monitor.feed('binance', 'trades')).toBeVisible();
    // Watching costs the page little: seconds of live updates and not one long stall from them.
    await page.waitForTimeout(3_000);
    const stalls = (await longTasksSince(page, watchingFrom)).filter((t) => t.duration > 150);
    expect(stalls, 'long tasks while the monitor updated').toEqual([]);

    await expect(monitor.tickToPaint.getByTestId('tick-to-paint-bars')).toBeVisible();
    await expect(monitor.tickToPaint.getByTestId('tick-to-paint-p50')).toHaveText(/\d/);
    await expect(monitor.tickToPaint.getByTestId('tick-to-paint-p99')).toHaveText(/\d/);
    await expect(monitor.roundTrip.getByTestId('order-round-trip-bars')).toBeVisible();
    await expect(monitor.roundTrip.getByTestId('order-round-trip-p50')).toHaveText(/\d/);
    await expect(monitor.engine.getByTestId('trading-queue')).toHaveText(/\d/);
    await expect(monitor.engine.getByTestId('loop-lag')).toHaveText(/\d/);
    await expect(monitor.longTasks.getByTestId('long-task-count')).toHaveText(/^\d+$/);
    await expect(monitor.healthState).toHaveText('Healthy');
    await expect(monitor.health).toContainText(/pglite|postgres/i);

    await expectNoAxeViolations(page);
    await screenshot(page, testInfo, 'monitor');

    // Keyboard: the one control on the screen is reachable and works.
    await monitor.health.getByRole('button', { name: 'Check now' }).focus();
    await page.keyboard.press('Enter');
    await expect(monitor.healthState).toHaveText('Healthy');

    await context.setOffline(true);
    await expect(monitor.offlineNote).toBeVisible();
    await monitor.health.getByRole('button', { name: 'Check now' }).click();
    await expect(monitor.healthState).toHaveText('Unreachable');
    await expectNoAxeViolations(page);
    await screenshot(page, testInfo, 'monitor-offline');
    await context.setOffline(false);
    await expect(monitor.healthState).toHaveText('Healthy', { timeout: 15_000 });
    expect(errors).toEqual([]);
  });

  test('before any feed runs, it says where to start', async ({ page, context }, testInfo) => {
    // The market engine starts on every screen; a page that never started it is the empty state.
    await context.route('**/api/v3/exchangeInfo**', (route) => route.abort());
    await page.goto('/monitor');
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    await expect(page.getByTestId('monitor-empty')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('monitor-empty').getByRole('link', { name: 'Trade screen' })).toBeVisible();
    await expect(page.getByTestId('tick-to-paint-empty')).toBeVisible();
    await expectNoAxeViolations(page);
    await screenshot(page, testInfo, 'monitor-empty');
  });
});
