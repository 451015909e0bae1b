import { expect, expectNoAxeViolations, screenshot, test } from './fixtures';
import { AuditPage, parseCsv } from './pages/audit-page';
import { TicketPage } from './pages/ticket-page';

/**
 * The audit log's integrity: a paper order on the sandbox writes chained entries; the check calls the
 * log intact, the CSV export holds every entry with its hashes, and after one entry is edited straight
 * in IndexedDB the check names that entry.
 */
test.describe('Audit log integrity', () => {
  test('checks the chain, exports CSV, and names an entry edited in IndexedDB', async ({
    trade,
    page,
  }, testInfo) => {
    test.setTimeout(150_000);
    const t = new TicketPage(page);
    await trade.open();
    await trade.waitLive();
    await t.reveal();
    await t.type('market');
    await t.field('Amount', '0.001');
    const id = await t.place();
    await t.expectFilled(id);

    const audit = new AuditPage(page);
    await audit.open();
    await expect(audit.rows.filter({ hasText: id }).first()).toBeVisible();

    // An untouched log is intact.
    await audit.check();
    await expect(audit.intact).toContainText(/Intact:\s+\d+\s+entr(y|ies),\s+chain head\s+[0-9a-f]{12}…/);
    const checked = Number(/Intact:\s+([\d,]+)/.exec(await audit.intact.innerText())![1]!.replace(/,/g, ''));
    await screenshot(page, testInfo, 'audit-intact');
    await expectNoAxeViolations(page);

    // The export holds every entry, with all fields and the chain's hashes.
    const rows = parseCsv(await audit.exportCsv());
    expect(rows[0]).toEqual([
      'seq',
      'time',
      'time_ms',
      'kind',
      'account_id',
      'order_id',
      'symbol',
      'rule',
      'message',
      'details',
      'prev_hash',
      'hash',
    ]);
    const body = rows.slice(1);
    expect(body.length).toBeGreaterThanOrEqual(checked);
    expect(body.filter((r) => r[5] === id).map((r) => r[3])).toEqual(
      expect.arrayContaining(['order-accepted', 'order-filled']),
    );
    for (const r of body) expect(r[11]).toMatch(/^[0-9a-f]{64}$/);
    // Oldest first, each linked to the one before.
    for (let i = 1; i < body.length; i++) expect(body[i]![10]).toBe(body[i - 1]![11]);

    // The export honours the filters.
    await page.locator('#au-kind').selectOption('order-filled');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(audit.rows.first()).toHaveAttribute('data-kind', 'order-filled');
    const filled = parseCsv(await audit.exportCsv()).slice(1);
    expect(filled.length).toBeGreaterThan(0);
    expect(new Set(filled.map((r) => r[3]))).toEqual(new Set(['order-filled']));

    // Edits not applied yet change neither Export nor Refresh: both keep the filters applied.
    await page.locator('#au-kind').selectOption('');
    await page.locator('#au-symbol').fill('NO/SUCH');
    await expect(page.getByTestId('audit-filters-edited')).toContainText('not applied');
    const stillFilled = parseCsv(await audit.exportCsv()).slice(1);
    expect(stillFilled.map((r) => r[0])).toEqual(filled.map((r) => r[0]));
    await page.getByTestId('audit-refresh').click();
    await expect(page.getByTestId('audit-refresh')).toBeEnabled();
    await expect(audit.rows).toHaveCount(filled.length);
    for (const kind of await audit.rows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind'))))
      expect(kind).toBe('order-filled');
    await screenshot(page, testInfo, 'audit-filters-edited');
    await expectNoAxeViolations(page);
    await page.locator('#au-symbol').fill('');
    await expect(page.getByTestId('audit-filters-edited')).toContainText('not applied');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByTestId('audit-filters-edited')).toBeEmpty();
    await expect(audit.rows.filter({ hasText: id }).first()).toBeVisible();

    // One entry edited outside Lyra: the check names it, and shows it among its neighbours.
    const seq = await audit.tamper(id, 'order-accepted');
    await audit.check();
    await expect(page.getByTestId('audit-problems')).toContainText('One problem');
    const problem = audit.problems.first();
    await expect(problem).toHaveAttribute('data-seq', String(seq));
    await expect(problem).toContainText(`Entry #${seq} was altered: its contents no longer match its hash.`);
    await problem.getByRole('button', { name: /^Show #/ }).click();
    await expect(page.getByTestId('audit-range')).toBeVisible();
    await expect(audit.row(seq)).toHaveClass(/flagged/);
    await expect(audit.row(seq)).toContainText('(edited)');
    await screenshot(page, testInfo, 'audit-tampered');
    await expectNoAxeViolations(page);

    // Back to the whole log.
    await page.getByRole('button', { name: 'Show all entries' }).click();
    await expect(page.getByTestId('audit-range')).toBeHidden();
    await expect(audit.rows.filter({ hasText: id }).first()).toBeVisible();
  });
});
