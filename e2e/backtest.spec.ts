import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, screenshot, test } from './fixtures';
import { AnalysisPage } from './pages/analysis-page';
import { BacktestPage } from './pages/backtest-page';
import { formatSignedFraction } from '../src/lib/format/portfolio';
import { TRADE_COLUMNS } from '../src/lib/research/export';
import { runBacktest } from '../workers/research/backtest/engine';
import { parseBarsCsv } from '../workers/research/data/csv-bars';
import { resolveStrategy } from '../workers/research/strategies/registry';

/**
 * The backtest journey: import a CSV (choosing its column), run a strategy, read its metrics, charts and
 * trades, export them, sweep its params, then run it live on the paper account of the sandbox. A bad
 * CSV is refused with its line and nothing stored.
 */

const EUSTOCKS = 'test/fixtures/reference/eustockmarkets.csv';

/**
 * What `lyra backtest --csv eustockmarkets.csv --column DAX --strategy sma-cross --fast 10 --slow 50
 * --fee 0.001 --execution close --json` reports, computed here from the same engine modules in Node.
 */
function cliReference() {
  const parsed = parseBarsCsv(readFileSync(EUSTOCKS, 'utf8'), { column: 'DAX' });
  if (!parsed.ok) throw new Error(`the reference CSV did not parse: ${JSON.stringify(parsed.problems)}`);
  const { strategy, params } = resolveStrategy({
    kind: 'builtin',
    id: 'sma-cross',
    params: { fast: 10, slow: 50 },
  });
  return runBacktest(parsed.bars, strategy, params, {
    capital: 10_000,
    fee: 0.001,
    slippage: { model: 'none' },
    execution: 'close',
    periodsPerYear: null,
  });
}

/** Uncaught errors in the page: a thrown effect stops the screen from updating while it still looks fine. */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Splits CSV text into rows of cells (the exports quote nothing in these files). */
function csvRows(text: string): string[][] {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => l.split(','));
}

test.describe('Backtest', () => {
  test('import a CSV, run SMA crossover, read and export the results, sweep its params', async ({
    page,
  }, testInfo) => {
    test.setTimeout(240_000);
    const errors = pageErrors(page);
    const bt = new BacktestPage(page);
    await bt.open();

    // Empty: nothing stored yet, and the screen says how to get data.
    await expect(page.getByTestId('datasets-empty')).toBeVisible();
    await expect(page.getByTestId('analysis-empty')).toBeVisible();
    await bt.expectNoSideScroll();
    await screenshot(page, testInfo, 'backtest-empty');
    await expectNoAxeViolations(page);

    // A bad row is refused with its line and column, and nothing is imported.
    const dir = mkdtempSync(join(tmpdir(), 'lyra-bt-'));
    const bad = join(dir, 'bad-prices.csv');
    writeFileSync(bad, 'date,close\n2020-01-01,100\n2020-01-02,101\n2020-01-03,abc\n2020-01-06,103\n');
    await bt.importCsv(bad);
    await expect(bt.csvProblems().first()).toBeVisible();
    await expect(bt.csv.getByTestId('csv-problems')).toContainText('Nothing was imported');
    await expect(page.locator('[data-testid="csv-problem"][data-row="4"]')).toContainText(
      'Line 4, column close',
    );
    await expect(page.getByTestId('dataset-row')).toHaveCount(0);
    await expect(page.getByTestId('datasets-empty')).toBeVisible();
    await screenshot(page, testInfo, 'backtest-bad-csv');
    await expectNoAxeViolations(page);

    // Rows out of order and a repeated time: the screen asks before sorting, then imports.
    await bt.importCsv({
      name: 'unsorted.csv',
      text: 'date,close\n2020-01-03,102\n2020-01-01,100\n2020-01-02,101\n2020-01-02,101.5\n2020-01-06,103\n',
    });
    const consent = bt.csv.getByTestId('csv-fixable');
    await expect(consent).toContainText(/out of order.*repeat.*sort and keep the last\?/);
    await expect(page.getByTestId('dataset-row')).toHaveCount(0);
    await expectNoAxeViolations(page);
    await consent.getByTestId('csv-fix').click();
    await expect(bt.csv.getByTestId('csv-imported')).toContainText('sorted');
    await expect(bt.dataset('unsorted')).toContainText('4 bars');

    // The real file has four price columns: the screen asks which one is the close.
    await bt.importCsv(EUSTOCKS);
    await bt.pickColumn('DAX');
    const dataset = bt.dataset('eustockmarkets DAX');
    await expect(dataset).toBeVisible();
    await expect(dataset).toContainText('1,860 bars');
    await expect(dataset).toContainText('close only');
    await expect(dataset.getByRole('radio')).toBeChecked();
    // Close-only data has no next open: that choice is off, with the reason beside it.
    await expect(bt.executionOption('next-open')).toBeDisabled();
    await expect(page.getByText('This dataset has closes only, so there is no next open')).toBeVisible();

    await bt.chooseStrategy('SMA crossover');
    // A fast period above the slow one is the engine's to refuse: its message lands under the field it names.
    await bt.setParam('fast', 60);
    await bt.setParam('slow', 50);
    await page.getByTestId('run').click();
    await expect(bt.strategy.getByTestId('field-error')).toContainText('sma-cross');
    await expect(bt.results).toHaveCount(0);
    await bt.setParam('fast', 10);
    await bt.setFeePercent('0.1');
    await bt.executionOption('close').check();
    await bt.run();

    const reference = cliReference();
    expect(reference.error).toBeNull();
    await expect(page.getByTestId('equity-chart').locator('canvas').first()).toBeVisible();
    await expect(page.getByTestId('drawdown-chart').locator('canvas').first()).toBeVisible();
    expect(await bt.metricValue('total_return')).toBeCloseTo(reference.metrics.total_return, 12);
    expect(await bt.metricText('total_return')).toBe(formatSignedFraction(reference.metrics.total_return, 2));
    expect(await bt.metricValue('trades')).toBe(reference.metrics.trades);
    const shownTrades = await bt.tradeRows().count();
    expect(shownTrades).toBe(reference.trades.length);
    await expect(page.getByTestId('trade-count')).toContainText(`${reference.trades.length} trades`);
    await bt.expectNoSideScroll();
    await screenshot(page, testInfo, 'backtest-results');
    await expectNoAxeViolations(page);

    // Exports: the trades shown, with a header; the JSON carries the same metrics.
    const trades = await bt.export('trades');
    expect(trades.name).toMatch(/\.csv$/);
    const rows = csvRows(trades.text);
    expect(rows[0]).toEqual([...TRADE_COLUMNS]);
    expect(rows.length - 1).toBe(shownTrades);
    expect(rows[1]?.[0]).toBe(new Date(reference.trades[0]?.entryTime as number).toISOString());
    const json = await bt.export('json');
    const body = JSON.parse(json.text);
    expect(body.trades).toHaveLength(shownTrades);
    expect(body.metrics.total_return).toBeCloseTo(reference.metrics.total_return, 12);
    expect(body.request.config).toMatchObject({ fee: 0.001, execution: 'close' });
    expect(body.equity).toHaveLength(1860);

    // A sweep of both periods through the analysis panel, with its progress shown.
    const analysis = new AnalysisPage(page);
    await analysis.runSweep({
      axes: [
        { param: 'fast', from: 2, to: 40, step: 1 },
        { param: 'slow', from: 50, to: 250, step: 10 },
      ],
    });
    await analysis.expectProgressShown('sweep');
    const map = await analysis.heatMapSize();
    expect(map).toMatchObject({ rows: 39, cols: 21 });
    expect(map.filled).toBeGreaterThan(0);
    await screenshot(page, testInfo, 'backtest-sweep');
    await expectNoAxeViolations(page);
    // "Use these params" puts the best combination into the strategy form.
    const best = [...(await analysis.bestParamsText()).matchAll(/(\d+(?:\.\d+)?)(?=,|$)/g)].map((m) => m[1]);
    expect(best).toHaveLength(2);
    await analysis.useBest();
    await expect(bt.strategy.locator('input[data-param="fast"]')).toHaveValue(best[0] as string);
    await expect(bt.strategy.locator('input[data-param="slow"]')).toHaveValue(best[1] as string);

    // Offline the research still runs on this device; only downloading needs the exchange.
    await page.context().setOffline(true);
    await page.getByRole('radio', { name: 'Download history' }).check();
    await expect(page.getByTestId('download-submit')).toBeDisabled();
    await expect(page.getByText('Offline: downloading needs the exchange.')).toBeVisible();
    await bt.setParam('fast', 20);
    await bt.run();
    expect(await bt.metricValue('total_return')).not.toBe(reference.metrics.total_return);
    await screenshot(page, testInfo, 'backtest-offline');
    await expectNoAxeViolations(page);
    await page.context().setOffline(false);

    // The rule builder, by keyboard: add a row, get the error next to its field, remove it, run the rules.
    await page.getByRole('radio', { name: 'Rule builder' }).check();
    const entryRows = page.getByTestId('group-entry').getByTestId('condition-row');
    await expect(entryRows).toHaveCount(1);
    await page.getByTestId('add-entry').focus();
    await page.keyboard.press('Enter');
    await expect(entryRows).toHaveCount(2);
    const added = entryRows.nth(1);
    await expect(added.getByLabel('Left: kind')).toBeFocused();
    await added.getByLabel('Right: kind').selectOption('value');
    await added.getByLabel('Right: number').fill('abc');
    await page.getByTestId('run').click();
    await expect(added.getByTestId('field-error')).toContainText('Type a number');
    await expect(page.getByTestId('form-errors')).toBeVisible();
    await screenshot(page, testInfo, 'backtest-rule-error');
    await expectNoAxeViolations(page);
    await added.getByRole('button', { name: 'Remove entry condition 2' }).focus();
    await page.keyboard.press('Enter');
    await expect(entryRows).toHaveCount(1);
    await expect(page.getByTestId('add-entry')).toBeFocused();
    await bt.run();
    await expect(bt.results.getByRole('heading', { level: 2 }).first()).toContainText('Rules: My rules');
    expect(await bt.metricValue('total_return')).not.toBe(reference.metrics.total_return);
    await screenshot(page, testInfo, 'backtest-rules');

    // Deleting asks once, then the dataset is gone.
    await bt.dataset('unsorted').getByRole('button', { name: 'Delete unsorted' }).click();
    await bt.dataset('unsorted').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(bt.dataset('unsorted')).toHaveCount(0);
    await expect(bt.dataset('eustockmarkets DAX')).toBeVisible();

    expect(errors).toEqual([]);
  });

  test('start the strategy on paper on the sandbox, see it listed, stop it', async ({ page }, testInfo) => {
    test.setTimeout(180_000);
    const errors = pageErrors(page);
    const bt = new BacktestPage(page);
    await bt.open();
    await expect(page.getByTestId('no-live-runs')).toBeVisible();

    // Three days of hourly candles from the sandbox become a dataset with full bars: the next open is allowed.
    await page.getByRole('radio', { name: 'Download history' }).check();
    const download = page.getByTestId('history-download');
    await expect(download.getByLabel('Market').locator('option[value="BTC/USDT"]')).toHaveCount(1, {
      timeout: 45_000,
    });
    await download.getByLabel('Market').selectOption('BTC/USDT');
    await download.getByLabel('Timeframe').selectOption('1h');
    await download
      .getByLabel('From (UTC)')
      .fill(new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10));
    await download.getByTestId('download-submit').click();
    const downloaded = page.getByTestId('dataset-row');
    await expect(downloaded).toHaveCount(1, { timeout: 60_000 });
    await expect(downloaded).not.toContainText('close only');
    await expect(bt.executionOption('next-open')).toBeEnabled();
    await bt.executionOption('next-open').check();
    await bt.chooseStrategy('SMA crossover');
    await bt.setParam('fast', 3);
    await bt.setParam('slow', 8);
    await bt.run();
    await expect(page.getByTestId('equity-chart').locator('canvas').first()).toBeVisible();
    await screenshot(page, testInfo, 'backtest-downloaded');
    await expectNoAxeViolations(page);

    await bt.chooseStrategy('SMA crossover');
    await bt.setParam('fast', 3);
    await bt.setParam('slow', 8);
    await bt.startOnPaper('BTC/USDT', '1m');

    const run = bt.liveRun('BTC/USDT');
    await expect(run).toBeVisible();
    await expect(run).toHaveAttribute('data-status', /warming-up|running/, { timeout: 60_000 });
    await expect(run.getByTestId('live-run-status')).toHaveText(/warming up|running/);
    await expect(run).toContainText('SMA crossover: fast 3, slow 8');
    await screenshot(page, testInfo, 'backtest-live-run');
    await expectNoAxeViolations(page);

    // Compare with the backtest: before its first live bar the engine says so, in place.
    await run.getByTestId('live-compare').click();
    const comparison = run.getByTestId('run-comparison');
    const notYet = run.getByRole('alert');
    await expect(comparison.or(notYet)).toBeVisible();
    if (await notYet.isVisible()) await expect(notYet).toContainText('closed bar');
    else await expect(comparison).toContainText(/Over \d+ bars/);

    await run.getByTestId('live-stop').click();
    await expect(run).toHaveAttribute('data-status', 'stopped', { timeout: 20_000 });
    await expect(run.getByTestId('live-stop')).toHaveCount(0);
    await expectNoAxeViolations(page);
    expect(errors).toEqual([]);
  });
});
