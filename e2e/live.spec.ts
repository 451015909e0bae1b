import type { Browser, Page } from '@playwright/test';
import { expect, expectNoAxeViolations, screenshot, test } from './fixtures';
import { AccountPage } from './pages/account-page';
import { LivePage } from './pages/live-page';
import { TicketPage } from './pages/ticket-page';
import { TradePage } from './pages/trade-page';
import { VaultPage } from './pages/vault-page';
import { VirtualAuthenticator } from './support/virtual-authenticator';

/**
 * Live trading from the UI on the sandbox exchange: a passkey account, the vault holding a sandbox key,
 * orders signed in the worker and sent through the server's relay, fills back on the user-data stream.
 */

const PASSPHRASE = 'violet harbour lantern seven';
const ACCOUNT = 'Sandbox live';

const uniqueName = (base: string) => `${base} ${test.info().project.name} ${Date.now() % 100_000}`;

async function openTrade(trade: TradePage, page: Page): Promise<TicketPage> {
  const t = new TicketPage(page);
  await trade.open();
  await trade.waitLive();
  await t.reveal();
  return t;
}

/** The rows of a panel, by the order they belong to: a reload must not add any. */
async function rowIds(page: Page, testid: string, attr: string): Promise<string[]> {
  return page
    .locator(`[data-testid="${testid}"]`)
    .evaluateAll((rows, a) => rows.map((r) => r.getAttribute(a) ?? ''), attr);
}

async function secondDevice(browser: Browser, viewport: { width: number; height: number } | null) {
  const context = await browser.newContext({
    viewport: viewport ?? undefined,
    baseURL: test.info().project.use.baseURL,
  });
  return { context, page: await context.newPage() };
}

test.describe('Live trading on the sandbox', () => {
  test('passkey, vault, sandbox account, live orders through the relay, fills by stream, reload, sign-out', async ({
    page,
    trade,
  }, testInfo) => {
    test.setTimeout(300_000);
    await VirtualAuthenticator.add(page);
    const account = new AccountPage(page);
    await account.open();
    const name = uniqueName('Ada');
    await account.createAccount(name);
    await account.expectSignedIn(name);

    // The vault and a sandbox account whose connection test goes through the relay.
    const vault = new VaultPage(page);
    await vault.open();
    await vault.setUp(PASSPHRASE);
    await vault.addSandboxAccount(ACCOUNT);
    await expect(page.getByTestId('add-account-result')).toContainText('Connected and saved');
    await expect(vault.accountRow(ACCOUNT)).toBeVisible();
    await vault.lockNow();
    await expect(vault.state).toHaveText('Locked');

    // Switching while locked: said in words, with the way to fix it.
    const live = new LivePage(page);
    let t = await openTrade(trade, page);
    await expect(live.badge).toHaveText('Paper');
    await live.use(ACCOUNT);
    await expect(live.switchError).toContainText(/locked|unlock/i);
    const unlock = live.switchError.getByRole('link', { name: 'Unlock the vault in Settings' });
    await expect(unlock).toBeVisible();
    await screenshot(page, testInfo, 'live-locked');
    await unlock.click();
    await vault.vault.waitFor();
    await vault.unlockWithPassphrase(PASSPHRASE);
    await expect(vault.state).toHaveText('Unlocked');

    // The refused switch changed nothing (still paper); unlocked, the same choice connects.
    await page.getByRole('link', { name: 'Trade' }).click();
    await trade.waitLive();
    await expect(live.badge).toHaveText('Paper');
    await live.use(ACCOUNT);
    await live.expectLive(ACCOUNT);
    await live.expectStreaming();
    await expect(live.switchError).toBeHidden();
    await t.reveal();

    // A resting limit buy far below the market: open on the exchange, then cancelled there.
    const last = await t.last();
    await t.side('buy');
    await t.type('limit');
    await t.field('Price', (last * 0.97).toFixed(2));
    await t.field('Amount', '0.001');
    const resting = await t.place();
    await t.expectResting(resting);
    await screenshot(page, testInfo, 'live-resting');
    await expectNoAxeViolations(page);
    await t
      .openRow(resting)
      .getByRole('button', { name: /^Cancel/ })
      .click();
    await t.panel('History');
    await expect(t.historyRow(resting)).toHaveAttribute('data-status', 'cancelled', { timeout: 20_000 });

    // A small market buy: filled, and its fill arrives while the user-data stream is up.
    await t.type('market');
    await t.field('Amount', '0.001');
    const bought = await t.place();
    await t.expectFilled(bought);
    await t.panel('Fills');
    await expect(live.fillRows(bought).first()).toBeVisible({ timeout: 30_000 });
    await expect(live.connection).toHaveAttribute('data-status', 'streaming');
    await screenshot(page, testInfo, 'live-filled');
    const fillsBefore = await rowIds(page, 'fill-row', 'data-fill-id');
    // Its paper twin ran from the same moment: the comparison lists the order with both fills.
    await t.panel('Live vs paper');
    await expect(
      page.getByTestId('divergence-row').and(page.locator(`[data-order-id="${bought}"]`)),
    ).toBeVisible({
      timeout: 30_000,
    });
    await expect(page.getByTestId('divergence-summary')).not.toBeEmpty();
    await expectNoAxeViolations(page);
    await screenshot(page, testInfo, 'live-vs-paper');
    await t.panel('History');
    const historyBefore = await rowIds(page, 'history-row', 'data-order-id');
    expect(historyBefore).toEqual(expect.arrayContaining([resting, bought]));

    // Reload: the vault is locked again (keys live only in the worker), the account and its records stay.
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    await live.expectLive(ACCOUNT);
    await expect(live.connection).toHaveAttribute('data-status', /off|stopped/);
    await expect(live.nextStep).toHaveText('Unlock the vault in Settings');
    await live.nextStep.click();
    await vault.vault.waitFor();
    await vault.unlockWithPassphrase(PASSPHRASE);
    await expect(vault.state).toHaveText('Unlocked');
    await page.getByRole('link', { name: 'Trade' }).click();
    t = new TicketPage(page);
    await live.expectStreaming();
    await t.reveal();
    // Reconciled with the exchange: the same orders and fills, none twice.
    await t.panel('History');
    await expect(t.historyRow(bought)).toHaveAttribute('data-status', 'filled');
    await expect(t.historyRow(resting)).toHaveAttribute('data-status', 'cancelled');
    const historyAfter = await rowIds(page, 'history-row', 'data-order-id');
    expect(new Set(historyAfter).size).toBe(historyAfter.length);
    expect([...historyAfter].sort()).toEqual([...historyBefore].sort());
    await t.panel('Fills');
    await expect(live.fillRows(bought).first()).toBeVisible();
    const fillsAfter = await rowIds(page, 'fill-row', 'data-fill-id');
    expect(new Set(fillsAfter).size).toBe(fillsAfter.length);
    expect([...fillsAfter].sort()).toEqual([...fillsBefore].sort());

    // Signed out, the relay refuses: the order is refused with the sign-in message and the way to it.
    // Through the nav, not a reload: a reload would lock the vault and say nothing about signing out.
    await page.getByRole('link', { name: 'Account' }).click();
    await account.heading.waitFor();
    await account.signOut();
    await page.getByRole('link', { name: 'Trade' }).click();
    await trade.waitLive();
    await live.expectStreaming();
    await t.reveal();
    await t.type('limit');
    await t.field('Price', ((await t.last()) * 0.97).toFixed(2));
    await t.field('Amount', '0.001');
    await expect(t.submit).toBeEnabled({ timeout: 15_000 });
    await t.submit.click();
    await expect(live.ticket).toContainText(/signed in|sign in/i, { timeout: 20_000 });
    await expect(live.ticket.getByRole('link', { name: 'Sign in on Account' })).toBeVisible();
    await screenshot(page, testInfo, 'live-signed-out');
  });

  test('a read-only viewer sees the Trade screen but cannot trade', async ({
    page,
    browser,
    viewport,
  }, testInfo) => {
    test.setTimeout(180_000);
    await VirtualAuthenticator.add(page);
    const owner = new AccountPage(page);
    await owner.open();
    await owner.createAccount(uniqueName('Kai'));
    const link = await owner.createInviteLink();

    const viewer = await secondDevice(browser, viewport);
    try {
      // Before joining, this device traded on paper on its own: one order rests there.
      const vt = new TicketPage(viewer.page);
      const vtrade = new TradePage(viewer.page);
      await vtrade.open();
      await vtrade.waitLive();
      await vt.reveal();
      await vt.type('limit');
      await vt.field('Price', ((await vt.last()) * 0.97).toFixed(2));
      await vt.field('Amount', '0.001');
      const resting = await vt.place();
      await vt.expectResting(resting);

      await VirtualAuthenticator.add(viewer.page, { prf: false });
      const account = new AccountPage(viewer.page);
      await account.open(new URL(link).pathname + new URL(link).search);
      await account.createAccount('Lu');
      await account.expectSignedIn('Lu', 'Viewer');

      await viewer.page.getByRole('link', { name: 'Trade' }).click();
      await vtrade.waitLive();
      await vt.reveal();
      const message = 'Read-only viewer: you can see but not trade';
      await expect(vt.submit).toBeDisabled();
      await expect(vt.ticket).toContainText(message);
      await expect(vt.ticket.getByRole('textbox', { name: /^Amount/ })).toBeDisabled();
      await expect(vt.ticket.getByRole('radio', { name: 'Sell', exact: true })).toBeDisabled();
      await vt.panel('Open orders');
      await expect(viewer.page.getByTestId('read-only-note')).toHaveText(`${message}.`);
      await expect(vt.openRow(resting).getByRole('button', { name: /^Cancel/ })).toBeDisabled();
      await expect(viewer.page.getByTestId('kill-switch')).toBeDisabled();
      await expectNoAxeViolations(viewer.page);
      await screenshot(viewer.page, testInfo, 'viewer-trade');

      // The server says the same thing: the relay refuses a viewer.
      const refused = await viewer.page.evaluate(async () => {
        const r = await fetch(`/relay/${location.origin}/api/v3/account`);
        return { status: r.status, body: await r.text() };
      });
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('read-only');
    } finally {
      await viewer.context.close();
    }
  });
});
