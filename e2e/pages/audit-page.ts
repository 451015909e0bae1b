import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';

/** The audit log screen: its entries, the integrity check and the CSV export. */
export class AuditPage {
  readonly rows: Locator;
  readonly verifyButton: Locator;
  readonly intact: Locator;
  readonly problems: Locator;
  readonly exportButton: Locator;

  constructor(readonly page: Page) {
    this.rows = page.getByTestId('audit-row');
    this.verifyButton = page.getByTestId('audit-verify');
    this.intact = page.getByTestId('audit-intact');
    this.problems = page.getByTestId('audit-problem');
    this.exportButton = page.getByTestId('audit-export');
  }

  /** Through the navigation, as a user would (the engine keeps running). */
  async open(): Promise<void> {
    await this.page.getByRole('link', { name: 'Audit' }).click();
    await expect(this.page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
    await expect(this.rows.first()).toBeVisible();
  }

  row(seq: number): Locator {
    return this.page.locator(`[data-testid="audit-row"][data-seq="${seq}"]`);
  }

  async check(): Promise<void> {
    await this.verifyButton.click();
    await expect(this.verifyButton).toBeEnabled({ timeout: 30_000 });
  }

  /** Downloads the CSV of what the filters match and returns its text. */
  async exportCsv(): Promise<string> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.exportButton.click()]);
    expect(download.suggestedFilename()).toMatch(/^lyra-audit-.*\.csv$/);
    return readFile(await download.path(), 'utf8');
  }

  /**
   * Changes one entry's message straight in this origin's IndexedDB, as someone editing the stored log
   * would, and returns its sequence number: the oldest entry of the given order and kind.
   */
  async tamper(orderId: string, kind: string): Promise<number> {
    return this.page.evaluate(
      ({ orderId, kind }) =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('lyra');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction('audit', 'readwrite');
            const cursor = tx.objectStore('audit').openCursor();
            let seq: number | null = null;
            cursor.onsuccess = () => {
              const c = cursor.result;
              if (!c) return;
              const row = c.value as { seq: number; orderId: string | null; kind: string; message: string };
              if (row.orderId === orderId && row.kind === kind) {
                seq = row.seq;
                c.update({ ...row, message: `${row.message} (edited)` });
                return;
              }
              c.continue();
            };
            tx.oncomplete = () => {
              db.close();
              if (seq === null) reject(new Error(`no ${kind} entry for ${orderId}`));
              else resolve(seq);
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      { orderId, kind },
    );
  }
}

/** RFC 4180 text as rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') {
      quoted = false;
    } else if (quoted) {
      cell += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else {
      cell += c;
    }
  }
  return rows;
}
