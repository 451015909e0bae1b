import { readFileSync } from 'node:fs';
import { expect, expectNoAxeViolations, screenshot, test } from './fixtures';
import { ReportsPage } from './pages/reports-page';
import { referenceJson, referenceTradesCsv } from '../workers/reports/test-support/reference-csv';

/**
 * The Reports screen: import the reference trades (cgt_example_fifo.json's trades, written as a generic
 * CSV by the test helper), make the FIFO Australian report and compare its totals with the reference's;
 * a malformed file names its row and column and imports nothing; export, print layout, remove.
 */

const reference = referenceJson();
const csv = referenceTradesCsv();

/** The reference file with the price on the 6th trade (line 7) made unreadable. */
function malformed(): string {
  const lines = csv.trimEnd().split('\n');
  const cells = lines[6]!.split(',');
  cells[4] = '15x';
  lines[6] = cells.join(',');
  return `${lines.join('\n')}\n`;
}

test.describe('Reports: trade import and the tax report', () => {
  test('imports the reference trades and shows the FIFO report with the reference totals', async ({
    page,
    context,
  }, testInfo) => {
    test.setTimeout(120_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const reports = new ReportsPage(page);
    await reports.open();

    // A fresh device has no fills: the screen says how to get some.
    await expect(page.getByTestId('tax-empty')).toContainText('No fills yet');
    await expect(page.getByText('No trades imported yet.')).toBeVisible();
    await expectNoAxeViolations(page);

    // A malformed file names the row and column, and nothing can be imported.
    await reports.chooseFile('broken.csv', malformed(), 'Broker');
    const problem = reports.preview.getByTestId('import-problem').first();
    await expect(problem).toHaveAttribute('data-line', '7');
    await expect(problem).toHaveAttribute('data-column', 'price');
    await expect(problem).toContainText('Line 7, column price');
    await expect(reports.count('bad')).toHaveText('1');
    await expect(reports.submit).toBeDisabled();
    await expect(reports.importForm.getByTestId('import-blocked')).toContainText('Fix the bad rows first');
    await screenshot(page, testInfo, 'reports-bad-file');
    await expectNoAxeViolations(page);
    await expect(page.getByTestId('tax-empty')).toBeVisible();

    // The reference trades: eight new, then imported in one go.
    await reports.chooseFile('reference.csv', csv, 'Broker');
    await expect(reports.count('new')).toHaveText('8');
    await expect(reports.count('duplicate')).toHaveText('0');
    await expect(reports.preview.getByTestId('preview-row')).toHaveCount(8);
    await reports.submit.click();
    await expect(page.getByTestId('import-done')).toContainText('Imported 8 trades from “reference.csv”');
    await expect(page.getByTestId('import-item')).toHaveCount(1);

    // The AU FIFO report (the defaults: live and imported fills, paper left out), every year netted as one
    // set as the reference does.
    await expect(reports.report.getByTestId('tax-include-paper')).not.toBeChecked();
    const error = page.getByTestId('tax-error');
    await expect(reports.report.getByTestId('tax-totals').or(error)).toBeVisible();
    expect(await error.allInnerTexts()).toEqual([]);
    await reports.chooseYear('all');
    await expect(reports.report.getByTestId('tax-match')).toHaveCount(reference.results.FIFO.matches.length);
    const s = reference.results.FIFO.summary;
    expect(await reports.total('grossGains')).toBe(s.gross_gains);
    expect(await reports.total('losses')).toBe(s.losses);
    expect(await reports.total('nondiscountGains')).toBe(s.nondiscount_gains);
    expect(await reports.total('discountEligibleGains')).toBe(s.discount_eligible_gains);
    expect(await reports.total('netRealised')).toBe(s.net_realised);
    expect(await reports.total('netCapitalGain')).toBe(s.net_capital_gain_after_discount);
    await expect(reports.report.locator('[data-total="netCapitalGain"]')).toContainText(
      `${s.net_capital_gain_after_discount!.toLocaleString('en-US', { minimumFractionDigits: 2 })} AUD`,
    );
    expect(await reports.matches()).toEqual(
      reference.results.FIFO.matches.map((m) => [m.lot as string, m.gain as number]),
    );
    await screenshot(page, testInfo, 'reports-all-years');

    // One tax year, as a tax return uses it: 2021-22 has the two sales of lot L1.
    await reports.chooseYear('2021-22');
    await expect(reports.report.getByTestId('tax-match')).toHaveCount(2);
    expect(await reports.total('netCapitalGain')).toBe(384);
    await reports.expectNoSideScroll();
    await screenshot(page, testInfo, 'reports-tax');
    await expectNoAxeViolations(page);

    // Offline the report is made the same way: everything it reads is on this device.
    await context.setOffline(true);
    await expect(page.getByTestId('reports-offline')).toBeVisible();
    await reports.chooseYear('2022-23');
    // LIFO in 2022-23 sells the newest lot, L4, first (its 70 units, then 20 of L3).
    await reports.report.getByTestId('tax-year-method').selectOption('LIFO');
    await expect(reports.report.getByTestId('tax-match').first()).toHaveAttribute('data-lot', 'L4');
    await expect(reports.report.getByTestId('tax-match')).toHaveCount(2);
    await reports.report.getByTestId('tax-year-method').selectOption('FIFO');
    await expect(reports.report.getByTestId('tax-match').first()).toHaveAttribute('data-lot', 'L2');
    await reports.chooseYear('2021-22');
    await context.setOffline(false);
    await expect(page.getByTestId('reports-offline')).toBeHidden();

    // Export: the engine's CSV of the year shown, exact decimals.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      reports.report.getByTestId('tax-export').click(),
    ]);
    expect(download.suggestedFilename()).toBe('lyra-tax-AU-FIFO-2021-22.csv');
    const exported = readFileSync((await download.path()) as string, 'utf8');
    expect(exported).toContain('2021-22,480,0,288,192,480,384');

    // The print layout: the report alone, black on white, with its header.
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByTestId('print-head')).toBeVisible();
    await expect(page.getByTestId('print-head')).toContainText('tax year 2021-22');
    await expect(page.getByTestId('print-head')).toContainText('method FIFO');
    await expect(page.getByRole('navigation', { name: 'Screens' })).toBeHidden();
    await expect(reports.report.getByTestId('tax-options')).toBeHidden();
    await expect(reports.importForm).toBeHidden();
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(255, 255, 255)');
    await screenshot(page, testInfo, 'reports-print');
    await page.emulateMedia({ media: 'screen' });

    // The same file again adds nothing.
    await reports.chooseFile('reference.csv', csv, 'Broker');
    await expect(reports.count('new')).toHaveText('0');
    await expect(reports.count('duplicate')).toHaveText('8');
    await expect(reports.submit).toBeDisabled();

    // Removing the import removes its fills: back to the empty report. The keyboard stays in the list:
    // Remove hands focus to its confirmation, Keep hands it back, and after removal it stays in the list.
    await page.getByTestId('import-remove').click();
    await expect(page.getByTestId('import-remove-confirm')).toBeFocused();
    await page.getByRole('button', { name: 'Keep' }).click();
    await expect(page.getByTestId('import-remove')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('import-remove-confirm')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('group', { name: 'Imported files' })).toBeFocused();
    await expect(page.getByTestId('tax-empty')).toBeVisible();
    await expect(page.getByTestId('import-item')).toHaveCount(0);

    // A later file overlapping an earlier one stores only its new trades: removing the earlier one warns
    // that the shared trades go too.
    const firstHalf = `${csv.trimEnd().split('\n').slice(0, 5).join('\n')}\n`;
    await reports.chooseFile('a.csv', firstHalf, 'Broker');
    await reports.submit.click();
    await expect(page.getByTestId('import-done')).toContainText('Imported 4 trades');
    await reports.chooseFile('b.csv', csv, 'Broker');
    await expect(reports.count('duplicate')).toHaveText('4');
    await reports.submit.click();
    await expect(page.getByTestId('import-item')).toHaveCount(2);
    const older = page.locator('[data-testid="import-item"][data-file="a.csv"]');
    await older.getByTestId('import-remove').click();
    await expect(older.getByTestId('import-remove-shared')).toContainText(
      'Trades also in “b.csv” are removed too',
    );
    await expectNoAxeViolations(page);
    await screenshot(page, testInfo, 'reports-remove-shared');
    expect(errors).toEqual([]);
  });
});
