import { expect, expectNoAxeViolations, longTasksSince, screenshot, test } from './fixtures';

test.describe('Trade screen', () => {
  test('shows a live market from the sandbox: book, spread, candles, trades and 24h stats, and it moves', async ({
    trade,
    page,
  }, testInfo) => {
    await trade.open();
    await trade.waitLive();

    // At least 20 levels a side, each with a cumulative total.
    await expect(trade.bids).toHaveCount(20);
    await expect(trade.asks).toHaveCount(20);
    await expect(trade.spread).toContainText('Spread');
    await expect(trade.lastPrice).toHaveText(/\d/);
    await expect(trade.candleChart.locator('canvas').first()).toBeVisible();

    // The book changes while we watch (diffs every 100 ms from the sandbox's matching engine).
    const before = await trade.bookText();
    await expect.poll(() => trade.bookText(), { timeout: 20_000 }).not.toBe(before);

    // The chart summary follows the live candle, and the newest candle changes as trades come in.
    const chart = trade.candleChart.locator('[role="img"]').first();
    await expect(chart).toHaveAttribute('aria-label', /\d+ candles/);
    await trade.chooseTimeframe('1m');
    await expect(chart).toHaveAttribute('aria-label', /1m candlestick chart, [\d,]+ candles/);
    await expect(trade.candleReadout).not.toContainText('Updating');
    await expect(trade.candleReadout).toContainText(/C\s*[\d,]+\.\d+/);
    const candleBefore = await trade.candleReadout.innerText();
    await expect.poll(() => trade.candleReadout.innerText(), { timeout: 45_000 }).not.toBe(candleBefore);

    await trade.show('Trades');
    await expect(trade.trades.first()).toBeVisible({ timeout: 30_000 });
    await trade.show('Depth');
    await expect(trade.depthChart.locator('canvas').first()).toBeVisible();
    await trade.show('Order book');
    await screenshot(page, testInfo, 'trade');
  });

  test('streams without blocking the main thread (no task over 50 ms)', async ({ trade, page }) => {
    await trade.open();
    await trade.waitLive();
    await page.waitForTimeout(2_000);
    const since = await page.evaluate(() => performance.now());
    await page.waitForTimeout(8_000);
    expect(await longTasksSince(page, since)).toEqual([]);
  });

  test('switches timeframe and symbol, and remembers the choice after a reload', async ({ trade, page }) => {
    await trade.open();
    await trade.waitLive();
    await trade.chooseTimeframe('5m');
    await expect(trade.candleChart.locator('[role="img"]').first()).toHaveAttribute('aria-label', /5m/);

    await trade.chooseSymbol('eth btc', 'ETH/BTC');
    await expect(page).toHaveTitle(/ETH\/BTC/);
    await expect(trade.bids.first()).toBeVisible();
    // ETH/BTC prices have five decimals (tick 0.00001).
    await expect(trade.bids.first().locator('td').first()).toHaveText(/^0\.\d{5}$/);

    await page.reload();
    await expect(trade.picker).toContainText('ETH/BTC');
    await expect(page.getByRole('radio', { name: '5m', exact: true })).toHaveAttribute(
      'aria-checked',
      'true',
    );
  });

  test('the symbol picker works from the keyboard', async ({ trade, page }) => {
    await trade.open();
    await trade.waitLive();
    await page.keyboard.press('/');
    const search = page.getByRole('combobox', { name: 'Search markets' });
    await expect(search).toBeFocused();
    await search.fill('sol');
    await page.keyboard.press('Enter');
    await expect(trade.picker).toContainText('SOL/USDT');
    await page.keyboard.press('/');
    await search.fill('zzz');
    await expect(page.getByText('No market matches')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(search).toBeHidden();
  });

  test('has no accessibility violations, on the trade and settings screens', async ({
    trade,
    settings,
    page,
  }, testInfo) => {
    await trade.open();
    await trade.waitLive();
    await expectNoAxeViolations(page);
    await trade.picker.click();
    await expectNoAxeViolations(page);
    await page.keyboard.press('Escape');
    await settings.open();
    await expect(page.getByTestId('persistence')).not.toContainText('Checking');
    await expect(page.getByText(/Lyra uses/)).toBeVisible();
    await expectNoAxeViolations(page);
    await screenshot(page, testInfo, 'settings');
  });
});
