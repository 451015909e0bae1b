import { expect, type Locator, type Page } from '@playwright/test';

/** The Account screen: passkey sign-in, passkeys, sessions, viewers. */
export class AccountPage {
  readonly heading: Locator;
  readonly passkeys: Locator;
  readonly sessions: Locator;
  readonly viewers: Locator;
  readonly name: Locator;
  readonly role: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Account', level: 1 });
    this.passkeys = page.getByTestId('passkey-row');
    this.sessions = page.getByTestId('session-row');
    this.viewers = page.getByTestId('viewer-row');
    this.name = page.getByTestId('account-name');
    this.role = page.getByTestId('account-role');
    this.error = page.getByTestId('auth-error');
  }

  async open(path = '/account'): Promise<void> {
    await this.page.goto(path);
    await this.page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    await this.heading.waitFor();
  }

  async expectSignedOut(): Promise<void> {
    await expect(this.page.getByTestId('sign-in')).toBeVisible();
  }

  async expectSignedIn(name: string, role: 'Owner' | 'Viewer' = 'Owner'): Promise<void> {
    await expect(this.name).toHaveText(name);
    await expect(this.role).toHaveText(role);
  }

  async createAccount(name: string): Promise<void> {
    await this.page.getByLabel('Your name').fill(name);
    await this.page.getByTestId('create-account').click();
  }

  async signIn(): Promise<void> {
    await this.page.getByTestId('sign-in').click();
  }

  async signOut(): Promise<void> {
    await this.page.getByTestId('sign-out').click();
    await this.expectSignedOut();
  }

  /** The row of the passkey named exactly `name` (default names differ only by a suffix). */
  passkey(name: string): Locator {
    return this.passkeys.filter({ has: this.page.getByText(name, { exact: true }) });
  }

  async renamePasskey(from: string, to: string): Promise<void> {
    await this.passkey(from)
      .getByRole('button', { name: /^Rename/ })
      .click();
    const input = this.page.getByTestId('passkeys').getByRole('textbox');
    await input.fill(to);
    await this.page.getByTestId('passkeys').getByRole('button', { name: 'Save' }).click();
    await expect(this.passkey(to)).toBeVisible();
  }

  async revokePasskey(name: string): Promise<void> {
    await this.passkey(name)
      .getByRole('button', { name: /^Revoke/ })
      .click();
    await this.passkey(name).getByRole('button', { name: 'Yes, revoke' }).click();
  }

  async createInviteLink(): Promise<string> {
    await this.page.getByTestId('create-invite').click();
    const link = this.page.getByTestId('invite-link');
    await expect(link).toHaveValue(/\/account\?invite=/);
    return link.inputValue();
  }
}
