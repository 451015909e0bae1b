import type { Locator, Page } from '@playwright/test';

export class SettingsPage {
  readonly heading: Locator;
  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Settings', level: 1 });
  }

  async open(): Promise<void> {
    await this.page.getByRole('link', { name: 'Settings' }).click();
    await this.heading.waitFor();
  }
}
