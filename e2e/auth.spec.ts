import type { Browser } from '@playwright/test';
import { expect, expectNoAxeViolations, screenshot, test } from './fixtures';
import { AccountPage } from './pages/account-page';
import { VirtualAuthenticator } from './support/virtual-authenticator';

/** A second device: its own browser context (own cookies), same viewport as the project's. */
async function secondDevice(browser: Browser, viewport: { width: number; height: number } | null) {
  const context = await browser.newContext({
    viewport: viewport ?? undefined,
    baseURL: test.info().project.use.baseURL,
  });
  const page = await context.newPage();
  return { context, page, account: new AccountPage(page) };
}

const uniqueName = (base: string) => `${base} ${test.info().project.name} ${Date.now() % 100_000}`;

test.describe('passkey account', () => {
  test('register, sign out and in, add a second passkey, rename and revoke', async ({ page }, testInfo) => {
    const withPrf = await VirtualAuthenticator.add(page, { prf: true });
    const account = new AccountPage(page);
    await account.open();
    await account.expectSignedOut();
    await expect(page.getByText(/Lyra works without an account/)).toBeVisible();

    // Empty name: a clear message, no passkey prompt.
    await page.getByTestId('create-account').click();
    await expect(page.getByText(/Enter a name for your account/)).toBeVisible();

    const name = uniqueName('Ada');
    await account.createAccount(name);
    await account.expectSignedIn(name);
    await expect(page.getByTestId('prf-status')).toContainText('can unlock the key vault');
    await expect(account.passkeys).toHaveCount(1);
    expect(await withPrf.credentials()).toHaveLength(1);
    await screenshot(page, testInfo, 'account-signed-in');

    await account.signOut();
    await account.signIn();
    await account.expectSignedIn(name);

    // A second device's passkey: a new authenticator without PRF (the first one unplugged).
    const credentialsOfFirst = await withPrf.credentials();
    await withPrf.remove();
    const noPrf = await VirtualAuthenticator.add(page, { prf: false });
    await page.getByTestId('add-passkey').click();
    await expect(account.passkeys).toHaveCount(2);
    await expect(page.getByRole('status').filter({ hasText: /Added/ })).toBeVisible();
    const names = await account.passkeys.locator('.name').allInnerTexts();
    await account.renamePasskey(names[1]!, 'Backup key');

    // Revoking the passkey this session signed in with signs this browser out.
    await account.revokePasskey(names[0]!);
    await account.expectSignedOut();

    // The remaining passkey signs in; it has no PRF, and being the last it cannot be revoked.
    await account.signIn();
    await account.expectSignedIn(name);
    await expect(page.getByTestId('prf-status')).toContainText('cannot unlock');
    await expect(account.passkeys).toHaveCount(1);
    await account.revokePasskey('Backup key');
    await expect(page.getByTestId('passkeys-error')).toContainText('only passkey');
    await expect(account.passkeys).toHaveCount(1);

    // The revoked passkey, plugged back in, is refused with a clear message.
    await noPrf.remove();
    const old = await VirtualAuthenticator.add(page, { prf: true });
    for (const c of credentialsOfFirst) await old.addCredential(c);
    await account.signOut();
    await account.signIn();
    await expect(account.error).toContainText('not registered with Lyra');
  });

  test('sessions on two devices: list them and end the other one', async ({ page, browser, viewport }) => {
    const laptop = await VirtualAuthenticator.add(page);
    const account = new AccountPage(page);
    await account.open();
    const name = uniqueName('Hal');
    await account.createAccount(name);
    await account.expectSignedIn(name);

    const phone = await secondDevice(browser, viewport);
    try {
      const synced = await VirtualAuthenticator.add(phone.page);
      await laptop.copyTo(synced);
      await phone.account.open();
      await phone.account.signIn();
      await phone.account.expectSignedIn(name);

      await page.getByTestId('sessions').getByRole('button', { name: 'Refresh' }).click();
      await expect(account.sessions).toHaveCount(2);
      await expect(account.sessions.filter({ hasText: 'This session' })).toHaveCount(1);
      const other = account.sessions.filter({ hasNotText: 'This session' });
      await other.getByRole('button', { name: /^End session on/ }).click();
      await expect(account.sessions).toHaveCount(1);

      await phone.account.open();
      await phone.account.expectSignedOut();
    } finally {
      await phone.context.close();
    }
  });

  test('an owner invites a read-only viewer who joins with their own passkey', async ({
    page,
    browser,
    viewport,
  }) => {
    await VirtualAuthenticator.add(page);
    const owner = new AccountPage(page);
    await owner.open();
    const ownerName = uniqueName('Kai');
    await owner.createAccount(ownerName);
    await owner.expectSignedIn(ownerName);
    await expect(page.getByTestId('viewers').getByText('No viewers yet.')).toBeVisible();
    const link = await owner.createInviteLink();
    await expect(page.getByTestId('invite-row')).toHaveCount(1);

    const viewerDevice = await secondDevice(browser, viewport);
    try {
      await VirtualAuthenticator.add(viewerDevice.page, { prf: false });
      await viewerDevice.account.open(new URL(link).pathname + new URL(link).search);
      await expect(viewerDevice.page.getByTestId('invite-info')).toContainText(ownerName);
      await viewerDevice.account.createAccount('Lu');
      await viewerDevice.account.expectSignedIn('Lu', 'Viewer');
      await expect(viewerDevice.page.getByTestId('read-only-badge')).toBeVisible();
      await expect(viewerDevice.page.getByText(/cannot trade or change anything/)).toBeVisible();
      // Viewers manage their own passkeys and sessions but not the workspace's viewers.
      await expect(viewerDevice.page.getByTestId('viewers')).toHaveCount(0);

      // The invite is used up.
      await viewerDevice.account.signOut();
      await viewerDevice.account.open(new URL(link).pathname + new URL(link).search);
      await expect(viewerDevice.page.getByRole('alert')).toContainText('already used');
    } finally {
      await viewerDevice.context.close();
    }

    await owner.open();
    await expect(owner.viewers).toHaveCount(1);
    await expect(owner.viewers).toContainText('Lu');
    await expect(page.getByTestId('invite-row')).toHaveCount(0);
    await owner.viewers.getByRole('button', { name: 'Remove viewer Lu' }).click();
    await owner.viewers.getByRole('button', { name: 'Yes, remove' }).click();
    await expect(owner.viewers).toHaveCount(0);
  });

  test('the Account screen is reachable from the nav and has no axe violations', async ({
    page,
  }, testInfo) => {
    await VirtualAuthenticator.add(page);
    await page.goto('/settings');
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Account' }).click();
    const account = new AccountPage(page);
    await account.heading.waitFor();
    await account.expectSignedOut();
    await expectNoAxeViolations(page);
    await account.createAccount(uniqueName('Axe'));
    await expect(account.passkeys).toHaveCount(1);
    await expect(account.sessions).toHaveCount(1);
    await account.createInviteLink();
    await expectNoAxeViolations(page);
    await screenshot(page, testInfo, 'account-owner');
  });
});
