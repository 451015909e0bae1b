import { expect, expectNoAxeViolations, screenshot, test } from './fixtures';
import { AccountPage } from './pages/account-page';
import { VaultPage } from './pages/vault-page';
import { VirtualAuthenticator } from './support/virtual-authenticator';

const PASSPHRASE = 'tangerine kite ocean marble';

/** Every IndexedDB store of the app's database, as one JSON text. */
async function dumpIndexedDb(page: import('@playwright/test').Page): Promise<string> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('lyra');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const out: Record<string, unknown[]> = {};
    for (const name of [...db.objectStoreNames]) {
      out[name] = await new Promise<unknown[]>((resolve, reject) => {
        const r = db.transaction(name).objectStore(name).getAll();
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    }
    db.close();
    return JSON.stringify(out, (_k, v) => (ArrayBuffer.isView(v) ? '[bytes]' : v));
  });
}

test.describe('Vault', () => {
  test('set up, lock, refuse a wrong passphrase, unlock by passphrase and by recovery key', async ({
    page,
  }, testInfo) => {
    const vault = new VaultPage(page);
    await vault.open();
    await expect(vault.vault.getByLabel('Repeat the passphrase')).toBeVisible();
    await expectNoAxeViolations(page);

    await vault.vault.getByLabel('Passphrase', { exact: true }).fill('short');
    await expect(vault.vault.getByText(/At least 10 characters/)).toBeVisible();

    const recoveryKey = await vault.setUp(PASSPHRASE);
    expect(recoveryKey).toMatch(/^([0-9A-Z]{4}-){8}[0-9A-Z]{4}$/);
    await expect(vault.state).toHaveText('Unlocked');
    await expect(vault.recoveryKey).toBeHidden(); // shown once
    await screenshot(page, testInfo, 'vault-unlocked');

    await vault.lockNow();
    await expect(vault.state).toHaveText('Locked');
    await expectNoAxeViolations(page);

    const started = Date.now();
    await vault.unlockWithPassphrase('tangerine kite ocean marbles');
    await expect(vault.unlockError).toContainText('That passphrase does not open the vault.');
    expect(Date.now() - started).toBeLessThan(15_000);
    await expect(vault.state).toHaveText('Locked');

    await vault.unlockWithPassphrase(PASSPHRASE);
    await expect(vault.state).toHaveText('Unlocked');

    // Still locked after a reload (the key lives only in the worker's memory); the recovery key opens it.
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    await expect(vault.state).toHaveText('Locked');
    const typo = recoveryKey.slice(0, 3) + (recoveryKey[3] === 'A' ? 'B' : 'A') + recoveryKey.slice(4);
    await vault.unlockWithRecoveryKey(typo);
    await expect(vault.unlockError).toContainText('typo');
    await vault.vault.getByLabel('Recovery key').fill(recoveryKey);
    await vault.vault.getByRole('button', { name: 'Unlock', exact: true }).click();
    await expect(vault.state).toHaveText('Unlocked');

    await vault.changePassphrase(PASSPHRASE, `${PASSPHRASE} two`);
    await expect(vault.vault.getByText('Passphrase changed.')).toBeVisible();
    await vault.lockNow();
    await vault.unlockWithPassphrase(PASSPHRASE);
    await expect(vault.unlockError).toContainText('does not open');
    await vault.unlockWithPassphrase(`${PASSPHRASE} two`);
    await expect(vault.state).toHaveText('Unlocked');
  });

  test('a passkey with PRF unlocks the vault', async ({ page }) => {
    await VirtualAuthenticator.add(page, { prf: true });
    const vault = new VaultPage(page);
    await vault.open();
    await vault.setUp(PASSPHRASE);
    await vault.addPasskey(PASSPHRASE);
    await expect(vault.vault.getByText('Passkey added.')).toBeVisible();
    await vault.lockNow();
    await expect(vault.vault.getByRole('button', { name: 'Unlock with passkey' })).toBeVisible();
    await vault.unlockWithPasskey();
    await expect(vault.state).toHaveText('Unlocked');
  });

  test('an authenticator without PRF is reported plainly and the passphrase keeps working', async ({
    page,
  }) => {
    await VirtualAuthenticator.add(page, { prf: false });
    const vault = new VaultPage(page);
    await vault.open();
    await vault.setUp(PASSPHRASE);
    await vault.addPasskey(PASSPHRASE);
    await expect(vault.vault.getByRole('alert')).toContainText('cannot derive keys');
    await vault.lockNow();
    await expect(vault.vault.getByRole('button', { name: 'Unlock with passkey' })).toBeHidden();
    await vault.unlockWithPassphrase(PASSPHRASE);
    await expect(vault.state).toHaveText('Unlocked');
  });

  test('a sandbox account: created, tested, stored encrypted, renamed, removed', async ({
    page,
  }, testInfo) => {
    // The connection test goes through the relay, which serves signed-in users only.
    await VirtualAuthenticator.add(page, { prf: true });
    const account = new AccountPage(page);
    await account.open();
    await account.createAccount('Vault tester');
    await account.expectSignedIn('Vault tester');
    const vault = new VaultPage(page);
    await vault.open();
    await expect(vault.accounts.getByText('Set up the vault above')).toBeVisible();
    await vault.setUp(PASSPHRASE);
    await vault.addSandboxAccount('Sandbox main');
    await expect(page.getByTestId('add-account-result')).toContainText('Connected and saved');
    await expect(vault.accountRow('Sandbox main')).toBeVisible();
    await expectNoAxeViolations(page);
    await screenshot(page, testInfo, 'exchange-accounts');

    // The secret went from the sandbox to the worker; IndexedDB holds only ciphertext.
    const secret = await page.evaluate(async () => {
      const r = await fetch('/sandbox/api-keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ label: 'probe' }),
      });
      return ((await r.json()) as { secret: string }).secret;
    });
    expect(secret.length).toBeGreaterThan(8);
    await page.getByTestId('add-account-form').getByLabel('API key').fill('x'.repeat(20));
    await page.getByTestId('add-account-form').getByLabel('API secret').fill(secret);
    await page.getByTestId('add-account-form').getByLabel(/^Name/).fill('Probe');
    await page.getByRole('button', { name: 'Test connection and save' }).click();
    await expect(page.getByTestId('connection-test-failed')).toBeVisible();
    await page.getByRole('button', { name: 'Save anyway' }).click();
    await expect(vault.accountRow('Probe')).toBeVisible();
    const dump = await dumpIndexedDb(page);
    expect(dump).toContain('exchangeAccounts');
    expect(dump.includes(secret)).toBe(false);
    expect(dump.includes(PASSPHRASE)).toBe(false);

    await vault.accountRow('Sandbox main').getByRole('button', { name: 'Rename Sandbox main' }).click();
    await vault.accounts.getByLabel('New name for Sandbox main').fill('Sandbox renamed');
    await vault.accounts.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(vault.accountRow('Sandbox renamed')).toBeVisible();

    await vault.accountRow('Probe').getByRole('button', { name: 'Remove Probe' }).click();
    await vault.accounts.getByRole('button', { name: 'Yes, remove it' }).click();
    await expect(vault.accountRow('Probe')).toBeHidden();

    await vault.lockNow();
    await expect(vault.accounts.getByText('Unlock the vault above')).toBeVisible();
    await expect(vault.accountRow('Sandbox renamed')).toBeVisible(); // metadata stays listed while locked
  });

  test('offline: the vault unlocks and the form says the connection test will fail', async ({
    page,
    context,
  }) => {
    const vault = new VaultPage(page);
    await vault.open();
    await vault.setUp(PASSPHRASE);
    await context.setOffline(true);
    await vault.lockNow();
    await vault.unlockWithPassphrase(PASSPHRASE);
    await expect(vault.state).toHaveText('Unlocked');
    await vault.accounts.getByRole('button', { name: 'Add account' }).click();
    await expect(vault.accounts.getByText('You are offline')).toBeVisible();
    await expect(vault.accounts.getByRole('button', { name: 'Create a sandbox key' })).toBeDisabled();
    await context.setOffline(false);
  });
});
