import type { Locator, Page } from '@playwright/test';

/** The Vault and Exchange accounts sections of Settings. */
export class VaultPage {
  readonly vault: Locator;
  readonly accounts: Locator;
  readonly state: Locator;
  readonly recoveryKey: Locator;
  readonly unlockError: Locator;

  constructor(readonly page: Page) {
    this.vault = page.getByTestId('vault');
    this.accounts = page.getByTestId('exchange-accounts');
    this.state = page.getByTestId('vault-state');
    this.recoveryKey = page.getByTestId('recovery-key');
    this.unlockError = this.vault.getByRole('alert');
  }

  async open(): Promise<void> {
    await this.page.goto('/settings');
    await this.page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    await this.vault.waitFor();
  }

  /** Sets the vault up and returns the recovery key shown once. */
  async setUp(passphrase: string): Promise<string> {
    await this.vault.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await this.vault.getByLabel('Repeat the passphrase').fill(passphrase);
    await this.vault.getByRole('button', { name: 'Set up the vault' }).click();
    await this.recoveryKey.waitFor();
    const key = (await this.recoveryKey.innerText()).trim();
    await this.vault.getByLabel('I have saved the recovery key somewhere safe').check();
    await this.vault.getByRole('button', { name: 'Done' }).click();
    return key;
  }

  async lockNow(): Promise<void> {
    await this.vault.getByRole('button', { name: 'Lock now' }).click();
  }

  async unlockWithPassphrase(passphrase: string): Promise<void> {
    await this.vault.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await this.vault.getByRole('button', { name: 'Unlock', exact: true }).click();
  }

  async unlockWithRecoveryKey(key: string): Promise<void> {
    await this.vault.getByRole('button', { name: 'Use the recovery key instead' }).click();
    await this.vault.getByLabel('Recovery key').fill(key);
    await this.vault.getByRole('button', { name: 'Unlock', exact: true }).click();
  }

  async unlockWithPasskey(): Promise<void> {
    await this.vault.getByRole('button', { name: 'Unlock with passkey' }).click();
  }

  async addPasskey(passphrase: string, label = 'Test authenticator'): Promise<void> {
    await this.vault.getByText('Passkeys', { exact: true }).click();
    await this.vault.getByLabel('Name').fill(label);
    await this.vault.locator('#vault-passkey-passphrase').fill(passphrase);
    await this.vault.getByRole('button', { name: 'Add passkey unlock' }).click();
  }

  async changePassphrase(current: string, next: string): Promise<void> {
    await this.vault.locator('summary', { hasText: 'Change passphrase' }).click();
    await this.vault.getByLabel('Current passphrase').fill(current);
    await this.vault.getByLabel('New passphrase', { exact: true }).fill(next);
    await this.vault.getByLabel('Repeat the new passphrase').fill(next);
    await this.vault.getByRole('button', { name: 'Change passphrase' }).click();
  }

  /** Opens the Add account form for the sandbox and fills it with a key the sandbox creates. */
  async addSandboxAccount(label: string): Promise<void> {
    await this.accounts.getByRole('button', { name: 'Add account' }).click();
    await this.accounts.getByLabel(/Sandbox/).check();
    await this.accounts.getByLabel(/^Name/).fill(label);
    await this.accounts.getByRole('button', { name: 'Create a sandbox key' }).click();
    await this.accounts.getByText('Sandbox key created').waitFor();
    await this.accounts.getByRole('button', { name: 'Test connection and save' }).click();
  }

  accountRow(label: string): Locator {
    return this.accounts.getByTestId('exchange-account').filter({ hasText: label });
  }
}
