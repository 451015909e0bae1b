import { expect, screenshot, test } from './fixtures';

test.describe('Offline', () => {
  test('a reload without network opens the app with the last data from IndexedDB and says it is offline', async ({
    trade,
    page,
    context,
  }, testInfo) => {
    await trade.open();
    await trade.waitLive();
    // The service worker has cached the app shell, and the engine has saved the book (every 5 s).
    await page.waitForFunction(
      async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated',
    );
    await expect
      .poll(() =>
        page.evaluate(
          () => navigator.serviceWorker.controller !== null || document.readyState === 'complete',
        ),
      )
      .toBe(true);
    await page.waitForTimeout(6_500);
    const liveLast = await trade.lastPrice.innerText();
    expect(liveLast).toMatch(/\d/);

    await context.setOffline(true);
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');

    await expect(trade.offlineBanner).toBeVisible();
    await expect(trade.offlineBanner).toContainText('Offline');
    await expect(trade.connection).toHaveAttribute('data-state', 'offline');
    // The saved book, candles and ticker come from IndexedDB.
    await expect(trade.bids).toHaveCount(20);
    await expect(trade.asks).toHaveCount(20);
    await expect(page.getByText('saved').first()).toBeVisible();
    await expect(trade.candleChart.locator('[role="img"]').first()).toHaveAttribute(
      'aria-label',
      /\d+ candles/,
    );
    await expect(trade.lastPrice).toHaveText(/\d/);
    await screenshot(page, testInfo, 'trade-offline');

    // Back online, the engine reconnects by itself.
    await context.setOffline(false);
    await trade.waitLive();
    await expect(trade.offlineBanner).toBeHidden();
  });
});
