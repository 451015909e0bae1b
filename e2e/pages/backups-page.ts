import { expect, type Locator, type Page } from '@playwright/test';

/** The Backups section of Settings. */
export class BackupsPage {
  readonly section: Locator;
  readonly versions: Locator;
  readonly status: Locator;
  readonly pending: Locator;

  constructor(readonly page: Page) {
    this.section = page.getByTestId('backups');
    this.versions = page.getByTestId('backup-version');
    this.status = page.getByTestId('backup-status');
    this.pending = page.getByTestId('backup-pending');
  }

  async open(): Promise<void> {
    await this.page.goto('/settings');
    await this.page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    await this.section.waitFor();
  }

  get backupButton(): Locator {
    return this.section.getByRole('button', { name: /^(Back up now|Resume upload|Backing up…)$/ });
  }

  /** Clicks Back up now (or Resume upload) and waits until the status names a new last backup. */
  async backUp(): Promise<void> {
    const before = await this.lastText();
    await this.backupButton.click();
    await expect(this.status).not.toContainText(before === null ? 'No backup from this device yet' : before, {
      timeout: 60_000,
    });
    await expect(this.page.getByTestId('backup-progress')).toHaveCount(0, { timeout: 60_000 });
  }

  async lastText(): Promise<string | null> {
    const text = await this.status.locator('p').first().innerText();
    return text.startsWith('Last backup') ? text : null;
  }

  version(id: string): Locator {
    return this.versions.and(this.page.locator(`[data-version-id="${id}"]`));
  }

  async versionIds(): Promise<string[]> {
    return this.versions.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-version-id') ?? ''));
  }
}

export interface TableDigest {
  rows: number;
  sha256: string;
}

/**
 * Every backed-up table of this page's IndexedDB, read with the raw IndexedDB API (not Lyra's code):
 * its row count and a SHA-256 of its rows in a canonical form, typed arrays included.
 */
export function tableDigests(page: Page, tables: readonly string[]): Promise<Record<string, TableDigest>> {
  return page.evaluate(async (names) => {
    const canonical = (v: unknown): unknown => {
      if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? `${v}n` : v;
      if (v instanceof Date) return { date: v.toISOString() };
      if (ArrayBuffer.isView(v))
        return { [v.constructor.name]: Array.from(v as unknown as ArrayLike<number>) };
      if (Array.isArray(v)) return v.map(canonical);
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('lyra');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const tx = db.transaction(names, 'readonly');
    const all = await Promise.all(
      names.map(
        (n) =>
          new Promise<unknown[]>((resolve, reject) => {
            const req = tx.objectStore(n).getAll();
            req.onsuccess = () => resolve(req.result);
            req.onerror = () => reject(req.error);
          }),
      ),
    );
    db.close();
    const out: Record<string, { rows: number; sha256: string }> = {};
    for (const [i, name] of names.entries()) {
      const text = all[i]!.map((r) => JSON.stringify(canonical(r)))
        .sort()
        .join('\n');
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
      out[name] = {
        rows: all[i]!.length,
        sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''),
      };
    }
    return out;
  }, tables as string[]);
}
