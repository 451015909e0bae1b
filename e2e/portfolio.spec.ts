import { expect, expectNoAxeViolations, screenshot, test } from './fixtures';
import type { Page } from '@playwright/test';
import { PortfolioPage, parseNumber } from './pages/portfolio-page';
import { TicketPage } from './pages/ticket-page';
import type { TradePage } from './pages/trade-page';

/**
 * The portfolio screens after paper trades on the sandbox: what is owned, risk, the executive view and a
 * rebalance batch through the risk gate, all computed in the worker from IndexedDB (also offline).
 */

async function marketBuy(t: TicketPage, amount: string): Promise<void> {
  await t.reveal();
  await t.side('buy');
  await t.type('market');
  await t.field('Amount', amount);
  await t.expectFilled(await t.place());
}

/** The amount of a position on the Trade screen, as shown there. */
async function positionAmount(page: Page, symbol: string): Promise<number> {
  const t = new TicketPage(page);
  await t.panel('Positions');
  const row = page.locator(`[data-testid="position-row"][data-symbol="${symbol}"]`);
  await expect(row).toBeVisible();
  return parseNumber((await row.locator('td').first().innerText()).split(' ')[0] as string);
}

async function buyBtcAndEth(trade: TradePage, page: Page): Promise<{ btc: number; eth: number }> {
  const t = new TicketPage(page);
  await trade.open();
  await trade.waitLive();
  await marketBuy(t, '0.01');
  await marketBuy(t, '0.005');
  const btc = await positionAmount(page, 'BTC/USDT');
  await trade.chooseSymbol('ETH', 'ETH/USDT');
  await trade.waitLive();
  await marketBuy(t, '0.1');
  const eth = await positionAmount(page, 'ETH/USDT');
  return { btc, eth };
}

/** Uncaught errors in the page: a thrown effect stops the screen from updating while it still looks fine. */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-9);

test.describe('Portfolio, risk, rebalance and executive', () => {
  test('each screen agrees with the fills, and the portfolio still shows them offline', async ({
    trade,
    page,
    context,
  }, testInfo) => {
    test.setTimeout(240_000);
    const errors = pageErrors(page);
    const { btc, eth } = await buyBtcAndEth(trade, page);
    expect(btc).toBeCloseTo(0.015, 8);
    const pf = new PortfolioPage(page);

    await pf.go('Portfolio');
    await expect(pf.holding('BTC')).toBeVisible();
    // What is owned is exactly what was filled, to the last decimal.
    expect(await pf.holdingAmount('BTC')).toBe(btc);
    expect(await pf.holdingAmount('ETH')).toBe(eth);
    await expect(page.getByTestId('prices-as-of').locator('time')).toBeVisible();
    await expect(page.locator('[data-testid="pnl-row"][data-symbol="BTC/USDT"]')).toBeVisible();
    const total = await pf.totalValue();
    expect(total).toBeGreaterThan(0);
    const btcValue = await pf.holdingValue('BTC');
    expect(btcValue).toBeGreaterThan(0);
    await screenshot(page, testInfo, 'portfolio');
    await pf.expectNoSideScroll();
    await expectNoAxeViolations(page);

    // A deposit the engine refuses says why next to the field it names (a paper account records its own).
    const form = page.getByTestId('flow-form');
    await form.getByLabel('Asset').fill('USDT');
    await form.getByLabel('Amount').fill('100');
    await form.getByRole('button', { name: 'Record' }).click();
    const invalid = form.locator('[aria-invalid="true"]');
    await expect(invalid).toHaveCount(1);
    const errorId = (await invalid.getAttribute('aria-describedby')) as string;
    await expect(form.locator(`[id="${errorId}"]`)).toHaveText(/\w+/);
    await expectNoAxeViolations(page);

    await pf.go('Risk');
    await expect(page.getByTestId('conventions')).toContainText(/type 7/i);
    await expect(page.getByTestId('gross-exposure')).toBeVisible();
    const btcExposure = parseNumber(
      await page.getByTestId('exposure-asset').locator('li[data-key="BTC"] .value').innerText(),
    );
    // Same holding, valued a few seconds apart at the moving mark.
    expect(rel(btcExposure, btcValue)).toBeLessThan(0.02);
    await screenshot(page, testInfo, 'risk');
    await pf.expectNoSideScroll();
    await expectNoAxeViolations(page);

    // Hourly returns, annualised for a market that never closes: the conventions on screen follow.
    await page.getByText('Options and conventions').click();
    await page.getByLabel('Returns', { exact: true }).selectOption('1h');
    await page.getByLabel('Annualise with').selectOption('8760');
    await page.getByTestId('risk-options').getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByTestId('conventions')).toContainText('8760');
    await expect(page.getByTestId('correlation').or(page.getByTestId('insufficient')).first()).toBeVisible();
    // A rate that cannot be a yearly percentage is refused next to its field; a sensible one is stated.
    const options = page.getByTestId('risk-options');
    await options.getByLabel('Risk-free rate (% a year)').fill('500');
    await options.getByRole('button', { name: 'Apply' }).click();
    await expect(options.locator('#ro-rf-err')).toContainText('percent');
    await options.getByLabel('Risk-free rate (% a year)').fill('2');
    await options.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByTestId('conventions')).toContainText('Risk-free rate 2 %');
    await expect(options.locator('#ro-rf-err')).toHaveCount(0);
    await screenshot(page, testInfo, 'risk-hourly');
    await pf.expectNoSideScroll();
    await expectNoAxeViolations(page);

    await pf.go('Executive');
    await expect(page.getByTestId('kpi-equity')).toBeVisible();
    const equity = parseNumber(await page.getByTestId('kpi-equity').locator('.v').innerText());
    expect(rel(equity, total)).toBeLessThan(0.02);
    // Buys alone close no trade.
    await expect(page.getByTestId('kpi-trades').locator('.v')).toHaveText('0');
    await expect(page.getByTestId('kpi-halted')).toHaveAttribute('data-halted', 'false');
    await screenshot(page, testInfo, 'executive');
    await pf.expectNoSideScroll();
    await expectNoAxeViolations(page);

    // Offline: a reload opens the portfolio from the service worker and IndexedDB.
    await pf.go('Portfolio');
    await page.waitForFunction(
      async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated',
    );
    await context.setOffline(true);
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    await expect(page.getByTestId('screen-offline')).toBeVisible();
    await expect(pf.holding('BTC')).toBeVisible({ timeout: 30_000 });
    expect(await pf.holdingAmount('BTC')).toBe(btc);
    expect(await pf.holdingAmount('ETH')).toBe(eth);
    // Offline, no price is from a live feed: each says which stored price it is and how old.
    await expect(pf.holding('BTC')).toContainText(/(last known|stored ticker|stored candle) · .* old/);
    await expect(pf.holding('BTC')).not.toContainText(/\blive\b/);
    await screenshot(page, testInfo, 'portfolio-offline');
    await context.setOffline(false);
    expect(errors).toEqual([]);
  });

  test('a rebalance batch goes through the risk gate: a rejected leg explains itself, the rest stop or proceed as chosen', async ({
    trade,
    settings,
    page,
  }, testInfo) => {
    test.setTimeout(240_000);
    const errors = pageErrors(page);
    const { eth } = await buyBtcAndEth(trade, page);
    const pf = new PortfolioPage(page);
    await pf.go('Portfolio');
    await expect(pf.holding('ETH')).toBeVisible();
    const total = await pf.totalValue();

    // One order may be worth at most a tenth of the portfolio.
    const limit = Math.round(total * 0.1);
    await settings.open();
    const limits = page.getByTestId('risk-limits-form');
    await limits.getByLabel(/max order value/i).fill(String(limit));
    await limits.getByRole('button', { name: /save/i }).click();
    await expect(limits.getByText(/saved/i)).toBeVisible();

    await pf.go('Rebalance');
    // The editor starts from the current weights, which sum to exactly 100.
    await expect(page.getByTestId('target-sum')).toHaveAttribute('data-exact', 'true');
    const current: Record<string, number> = {};
    for (const row of await page.getByTestId('target-row').all()) {
      const asset = await row.locator('input').first().inputValue();
      current[asset] = Math.round(Number(await row.locator('input').nth(1).inputValue()) * 100);
    }
    expect(Object.keys(current).sort()).toEqual(['BTC', 'ETH', 'USDT']);
    // BTC up by 20 points (over the limit), ETH up by 3 (under it), paid from USDT.
    const pct = (hundredths: number) => (hundredths / 100).toFixed(2);
    const targets = {
      USDT: pct((current.USDT as number) - 2300),
      BTC: pct((current.BTC as number) + 2000),
      ETH: pct((current.ETH as number) + 300),
    };
    // Sums that are not 100 are refused with the difference.
    await pf.setTargets({ ...targets, USDT: pct((current.USDT as number) - 2400) });
    await expect(page.getByTestId('target-sum')).toHaveAttribute('data-exact', 'false');
    await page.getByTestId('plan').click();
    await expect(page.getByTestId('plan-error')).toContainText(/100/);

    // Suggestions: equal weight over the three assets sums to exactly 100; minimum variance needs more
    // daily history than the sandbox keeps, and says how much.
    await page.getByRole('button', { name: 'Equal weight' }).click();
    await expect
      .poll(async () => Object.values(await pf.targets()).sort())
      .toEqual(['33.33', '33.33', '33.34']);
    await expect(page.getByTestId('target-sum')).toHaveAttribute('data-exact', 'true');
    await page.getByRole('button', { name: 'Minimum variance' }).click();
    await expect(page.getByRole('alert').filter({ hasText: /at least 20/ })).toBeVisible();

    await pf.setTargets(targets);
    await page.getByTestId('tolerance').fill('1');
    await pf.plan();
    await expect(pf.leg('BTC/USDT')).toHaveAttribute('data-ok', 'false');
    await expect(
      pf.leg('BTC/USDT').locator('[data-testid="risk-check"][data-rule="order-notional"]'),
    ).toHaveAttribute('data-passed', 'false');
    await expect(pf.leg('ETH/USDT')).toHaveAttribute('data-ok', 'true');
    await expect(page.locator('[data-testid="drift-row"][data-asset="BTC"]')).toHaveAttribute(
      'data-outside',
      'true',
    );
    await screenshot(page, testInfo, 'rebalance-plan');
    await pf.expectNoSideScroll();
    await expectNoAxeViolations(page);

    // Stop everything: the rejected leg says why, and nothing is sent.
    await pf.send('Stop everything');
    await expect(pf.legResult('BTC/USDT')).toHaveAttribute('data-status', 'rejected');
    await expect(pf.legResult('BTC/USDT')).toContainText(/order value|notional|limit/i);
    await expect(pf.legResult('ETH/USDT')).toHaveAttribute('data-status', 'not-sent');
    // A sent plan cannot be sent twice: planning again is the way to trade more.
    await expect(page.getByTestId('send-batch')).toBeHidden();
    await screenshot(page, testInfo, 'rebalance-stopped');

    // Send the others: the rejected leg stays out, the rest is sent.
    await pf.plan();
    await pf.send('Send the others');
    await expect(pf.legResult('BTC/USDT')).toHaveAttribute('data-status', 'rejected');
    await expect(pf.legResult('ETH/USDT')).toHaveAttribute('data-status', 'sent');
    await screenshot(page, testInfo, 'rebalance-sent');
    await pf.expectNoSideScroll();
    await expectNoAxeViolations(page);

    // The ETH leg filled: the portfolio holds more ETH than the fills before the batch.
    await pf.go('Portfolio');
    await expect.poll(() => pf.holdingAmount('ETH'), { timeout: 30_000 }).toBeGreaterThan(eth);
    expect(errors).toEqual([]);
  });
});
