import { expect, expectNoAxeViolations, screenshot, test } from './fixtures';
import { AlertsPage } from './pages/alerts-page';

/**
 * Alerts on the sandbox: a price alert a hair from the current price fires within seconds (the sandbox
 * price is a random walk), shows a toast, lands in the history and is shown as a system notification
 * by the service worker; the chart's menu creates one at the pointer's price; an unknown market is
 * refused with the reason.
 */

/** Notifications the service worker shows, as the page can read them back. */
async function shownNotifications(page: import('@playwright/test').Page): Promise<string[]> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return (await reg.getNotifications()).map((n) => `${n.title} | ${n.body}`);
  });
}

test.describe('Alerts', () => {
  test('a price alert on the sandbox fires: toast, history and a system notification', async ({
    page,
    context,
  }, testInfo) => {
    test.setTimeout(150_000);
    await context.grantPermissions(['notifications']);
    const alerts = new AlertsPage(page);
    await alerts.open();
    await alerts.waitLive();
    await expect(page.getByTestId('notification-access')).toHaveText('allowed');
    await expect(page.getByTestId('alerts-empty')).toBeVisible();
    // The service worker must be in charge before a notification can be shown through it.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));

    // One tick above and one tick below the current price: trades print at the bid and at the ask, so
    // one of the two is crossed within seconds whichever way the random walk drifts.
    for (const side of [1, -1]) {
      await alerts.priceAlert('BTC/USDT', 'either', null);
      const current = await alerts.level();
      const decimals = current.split('.')[1]?.length ?? 0;
      const tick = decimals > 0 ? 10 ** -decimals : 1;
      await alerts.setLevel((Number(current) + side * tick).toFixed(decimals));
      await alerts.band('0');
      // Once each: with no band a repeating alert would fire on every bid-ask bounce.
      await page.getByTestId('alert-repeat').selectOption('once');
      await alerts.create();
    }
    await expect(alerts.items).toHaveCount(2);
    // Each is armed, or has already fired once and is done (the bounce can come before this check).
    for (const item of await alerts.items.all())
      await expect(item.getByTestId('alert-status')).toHaveText(/Armed|Waiting to re-arm|Fired \(one-shot\)/);

    await expect(alerts.toasts.first()).toBeVisible({ timeout: 90_000 });
    await expect(alerts.toasts.first()).toContainText('BTC/USDT');
    await expect(alerts.historyItems.first()).toContainText('BTC/USDT crossed');
    await expect
      .poll(() => shownNotifications(page), { timeout: 15_000 })
      .toContainEqual(expect.stringContaining('Alert: BTC/USDT crosses'));
    await expect(alerts.items.filter({ hasText: /fired \d+×/ }).first()).toBeVisible();
    await expect(
      alerts.items
        .filter({ hasText: /fired \d+×/ })
        .first()
        .getByTestId('alert-status'),
    ).toHaveText('Fired (one-shot)');

    await expectNoAxeViolations(page);
    await screenshot(page, testInfo, 'alerts-fired');

    // The toast goes with its dismiss button (keyboard: Esc on the toast, or the button).
    // Named by its level, since the other alert may fire meanwhile and add a toast of its own.
    const dismissed = alerts.toasts.first();
    const title = (await dismissed.locator('.name').textContent())?.trim() ?? '';
    expect(title).toContain('BTC/USDT crosses');
    await dismissed.getByRole('button', { name: /Dismiss alert/ }).click();
    await expect(alerts.toasts.filter({ hasText: title })).toHaveCount(0);
  });

  test('an alert on a market the exchange does not list is refused with the reason', async ({ page }) => {
    const alerts = new AlertsPage(page);
    await alerts.open();
    await alerts.waitLive();
    await alerts.priceAlert('FOO/USDT', 'above', '100');
    await alerts.create();
    await expect(alerts.formError).toContainText('"FOO/USDT" is not a market on this exchange');
    await expect(alerts.form.getByTestId('alert-symbol')).toHaveAttribute('aria-invalid', 'true');
    await expect(alerts.items).toHaveCount(0);
    await expectNoAxeViolations(page);
  });

  test('the chart menu (right-click, long-press on a phone) creates an alert at the pointer price', async ({
    page,
  }, testInfo) => {
    test.setTimeout(120_000);
    await page.goto('/trade');
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live', { timeout: 45_000 });
    const chart = page.getByTestId('candle-chart');
    await expect(chart.locator('[role="img"]').first()).toHaveAttribute('aria-label', /\d+ candles/);
    const over = chart.locator('.u-over');
    const box = await over.boundingBox();
    if (!box) throw new Error('the chart has no plot area');
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const isPhone = (page.viewportSize()?.width ?? 1000) < 768;
    if (isPhone) {
      // A finger held still for half a second.
      const touch = {
        pointerType: 'touch',
        isPrimary: true,
        pointerId: 7,
        clientX: x,
        clientY: y,
        bubbles: true,
      };
      await over.dispatchEvent('pointerdown', touch);
      await page.waitForTimeout(700);
      await over.dispatchEvent('pointerup', touch);
    } else await page.mouse.click(x, y, { button: 'right' });

    const item = page.getByTestId('chart-alert-create');
    await expect(item).toBeVisible();
    await expect(item).toBeFocused();
    const text = (await item.textContent()) ?? '';
    const price = /crosses ([\d,.]+)/.exec(text)?.[1];
    expect(price, text).toBeTruthy();
    await item.click();
    await expect(page.getByTestId('chart-alert-result')).toContainText(
      `Alert set: BTC/USDT crosses ${price}`,
    );
    await expectNoAxeViolations(page);
    await screenshot(page, testInfo, 'alerts-chart-menu');
    await page.keyboard.press('Escape');

    const alerts = new AlertsPage(page);
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await expect(alerts.items).toHaveCount(1);
    await expect(alerts.items.first()).toContainText(
      `BTC/USDT crosses ${(price as string).replace(/,/g, '')}`,
    );
  });
});
