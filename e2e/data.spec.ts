import type { Browser, BrowserContext, Page, TestInfo } from '@playwright/test';
import { backedUpTables } from '../workers/sync/backup-tables';
import { expect, expectNoAxeViolations, screenshot, test } from './fixtures';
import { DataPage, readTables } from './pages/data-page';
import { TicketPage } from './pages/ticket-page';
import { TradePage } from './pages/trade-page';

/**
 * Data: device A trades on paper, exports its whole database as JSON; a fresh browser profile (device
 * B) refuses a damaged copy of the file, changing nothing, then imports the real one: every backed-up
 * table on B equals A's. Candles come in from a CSV file and show on the chart's store.
 */

const tables = [...backedUpTables];

/** Waits until nothing writes to the backed-up tables (offline, the feed stops); returns them. */
async function quietTables(page: Page): Promise<Record<string, unknown[]>> {
  let last = JSON.stringify(await readTables(page, tables));
  await expect
    .poll(
      async () => {
        const next = JSON.stringify(await readTables(page, tables));
        const same = next === last;
        last = next;
        return same;
      },
      { intervals: [1500], timeout: 30_000 },
    )
    .toBe(true);
  return JSON.parse(last) as Record<string, unknown[]>;
}

function expectSameTables(actual: Record<string, unknown[]>, expected: Record<string, unknown[]>): void {
  for (const t of tables) expect.soft(actual[t], `table ${t}`).toEqual(expected[t]);
  expect(actual).toEqual(expected);
}

async function freshDevice(browser: Browser, testInfo: TestInfo): Promise<BrowserContext> {
  const use = testInfo.project.use;
  return browser.newContext({
    viewport: use.viewport ?? undefined,
    deviceScaleFactor: use.deviceScaleFactor,
    isMobile: use.isMobile,
    hasTouch: use.hasTouch,
    userAgent: use.userAgent,
    baseURL: use.baseURL,
  });
}

test.describe('Data export and import', () => {
  test('export the database on A, refuse a damaged copy on B, import it on B: every table equal', async ({
    trade,
    page,
    browser,
  }, testInfo) => {
    test.setTimeout(240_000);

    // Device A: a paper market buy on the sandbox, so orders, fills, positions and the audit have rows.
    await trade.open();
    await trade.waitLive();
    const ticket = new TicketPage(page);
    await ticket.reveal();
    await ticket.side('buy');
    await ticket.type('market');
    await ticket.field('Amount', '0.01');
    const orderId = await ticket.place();
    await ticket.expectFilled(orderId);

    const dataA = new DataPage(page);
    await page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('link', { name: 'Data', exact: true })
      .click();
    await dataA.loaded();
    await dataA.serviceWorkerReady();
    await expectNoAxeViolations(page);
    await screenshot(page, testInfo, 'data-a');

    // Offline, nothing writes: the tables read here are the ones the export reads.
    await page.context().setOffline(true);
    await expect(page.getByTestId('data-offline')).toBeVisible();
    const tablesA = await quietTables(page);
    expect(tablesA.orders!.length).toBeGreaterThan(0);
    expect(tablesA.fills!.length).toBeGreaterThan(0);
    const file = await dataA.exportDatabase();
    expect(file.name).toMatch(/^lyra-database-\d{4}-\d\d-\d\d-\d{4}\.json$/);
    expect(await readTables(page, tables)).toEqual(tablesA);
    const header = (JSON.parse(file.text) as { header: { format: string; counts: Record<string, number> } })
      .header;
    expect(header.format).toBe('lyra-database');
    for (const t of tables) expect(header.counts[t], `count of ${t}`).toBe(tablesA[t]!.length);
    await screenshot(page, testInfo, 'data-a-exported');

    // Device B: a fresh browser profile.
    const contextB = await freshDevice(browser, testInfo);
    try {
      const pageB = await contextB.newPage();
      // Live once, so B's engine has set itself up (its paper account) before the tables are compared.
      const tradeB = new TradePage(pageB);
      await tradeB.open();
      await tradeB.waitLive();
      const dataB = new DataPage(pageB);
      await pageB
        .getByRole('navigation', { name: 'Screens' })
        .getByRole('link', { name: 'Data', exact: true })
        .click();
      await dataB.loaded();
      await contextB.setOffline(true);
      const before = await quietTables(pageB);

      // A damaged copy: one fill's price changed after export. Refused, and nothing changes.
      const fill = tablesA.fills![0] as { price: string };
      const damaged = file.text.replace(`"price":"${fill.price}"`, `"price":"${fill.price}1"`);
      expect(damaged).not.toBe(file.text);
      await dataB.chooseDatabaseFile('damaged.json', damaged);
      await expect(dataB.importError).toContainText('The file is damaged');
      await expect(dataB.importError).toContainText('checksum');
      await expect(dataB.preview).toHaveCount(0);
      expect(await readTables(pageB, tables)).toEqual(before);
      await expectNoAxeViolations(pageB);
      await screenshot(pageB, testInfo, 'data-b-damaged');

      // The real file: preview with counts, a confirm that says it replaces this device's data.
      await dataB.chooseDatabaseFile(file.name, file.text);
      await expect(dataB.preview).toBeVisible();
      await expect(dataB.preview).toContainText('checksum verified');
      await expect(dataB.preview.getByRole('row', { name: /^Orders / })).toBeVisible();
      await expect(pageB.getByText('Importing replaces the data on this device')).toBeVisible();
      await expectNoAxeViolations(pageB);
      await screenshot(pageB, testInfo, 'data-b-preview');
      // The import commits, then the page reloads; offline, without a service worker controlling the
      // page, that reload fails, so no part of Lyra runs on B until its tables are read below, from a
      // page of the same origin that is not the app.
      await Promise.all([pageB.waitForEvent('framenavigated', { timeout: 60_000 }), dataB.confirm.click()]);
      await contextB.setOffline(false);
      await pageB.goto('/healthz');
      const tablesB = await readTables(pageB, tables);
      expectSameTables(tablesB, tablesA);
      await dataB.open();
      await expectNoAxeViolations(pageB);
      await screenshot(pageB, testInfo, 'data-b-imported');
    } finally {
      await contextB.close();
    }
  });

  test('imports candles from CSV for a market and timeframe; refuses a file of another spacing', async ({
    trade,
    page,
  }, testInfo) => {
    // Live first, so the market engine knows the exchange's markets for the candle picker.
    await trade.open();
    await trade.waitLive();
    const data = new DataPage(page);
    await page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('link', { name: 'Data', exact: true })
      .click();
    await data.loaded();

    const hour = 3_600_000;
    const start = Date.UTC(2020, 0, 1);
    const rows = Array.from({ length: 48 }, (_, i) => {
      const o = 100 + i;
      return `${new Date(start + i * hour).toISOString()},${o},${o + 2},${o - 1},${o + 1},${i}`;
    });
    const csv = ['time,open,high,low,close,volume', ...rows].join('\n');
    await page
      .getByTestId('candle-file')
      .setInputFiles({ name: 'hours.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const preview = page.getByTestId('candle-preview');
    await expect(preview).toContainText('48');
    await expect(preview).toContainText('1h');
    await expect(page.getByTestId('candle-timeframe')).toHaveValue('1h');

    // Another timeframe than the file's spacing cannot be imported.
    await page.getByTestId('candle-timeframe').selectOption('15m');
    await expect(page.getByText("The file's bars are 1h apart")).toBeVisible();
    await expect(page.getByTestId('candle-submit')).toBeDisabled();
    await page.getByTestId('candle-timeframe').selectOption('1h');

    await page.getByTestId('candle-symbol').selectOption('BTC/USDT');
    await page.getByTestId('candle-submit').click();
    await expect(page.getByTestId('candle-result')).toContainText('48 candles for BTC/USDT 1h: 48 new');
    await expectNoAxeViolations(page);
    await screenshot(page, testInfo, 'data-candles');

    // In the chart's store: 48 hourly candles of 2020 for the sandbox's BTC/USDT.
    const stored = await page.evaluate(async (from) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('lyra');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const all = await new Promise<Array<{ symbol: string; timeframe: string; time: Float64Array }>>(
        (resolve) => {
          const req = db.transaction('candleBlocks').objectStore('candleBlocks').getAll();
          req.onsuccess = () =>
            resolve(req.result as Array<{ symbol: string; timeframe: string; time: Float64Array }>);
        },
      );
      db.close();
      return all
        .filter((b) => b.symbol === 'BTC/USDT' && b.timeframe === '1h')
        .flatMap((b) => Array.from(b.time))
        .filter((t) => t >= from && t < from + 48 * 3_600_000).length;
    }, start);
    expect(stored).toBe(48);

    // The same file again changes nothing.
    await page
      .getByTestId('candle-file')
      .setInputFiles({ name: 'hours.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('candle-submit').click();
    await expect(page.getByTestId('candle-result')).toContainText('0 new, 0 replaced, 48 already stored');
  });
});
