import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { TradePage } from './pages/trade-page';
import { SettingsPage } from './pages/settings-page';

/** Records long main-thread tasks (over 50 ms) from the first byte, for the "charts never block" check. */
async function recordLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: Array<{ start: number; duration: number }> };
    w.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // Browsers without the Long Tasks API report none; Chromium has it.
    }
  });
}

export async function longTasksSince(
  page: Page,
  since: number,
): Promise<Array<{ start: number; duration: number }>> {
  return page.evaluate(
    (t) =>
      (window as unknown as { __longTasks: Array<{ start: number; duration: number }> }).__longTasks.filter(
        (x) => x.start >= t,
      ),
    since,
  );
}

/** Saves a screenshot as a test artifact (attached to the report and kept under test-results/screens). */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const dir = 'test-results/screens';
  mkdirSync(dir, { recursive: true });
  const path = `${dir}/${testInfo.project.name}-${name}.png`;
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(`${testInfo.project.name}-${name}`, { path, contentType: 'image/png' });
}

export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const summary = results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')}`,
  );
  expect(summary, 'axe violations').toEqual([]);
}

export const test = base.extend<{ trade: TradePage; settings: SettingsPage }>({
  trade: async ({ page }, use) => {
    await recordLongTasks(page);
    await use(new TradePage(page));
  },
  settings: async ({ page }, use) => {
    await use(new SettingsPage(page));
  },
});

export { expect };
