import { expect, type Locator, type Page } from '@playwright/test';

/** The Data screen: exports, the whole-database file both ways, and candles from CSV. */
export class DataPage {
  readonly exportButton: Locator;
  readonly exportStatus: Locator;
  readonly databaseFile: Locator;
  readonly preview: Locator;
  readonly importError: Locator;
  readonly confirm: Locator;

  constructor(readonly page: Page) {
    this.exportButton = page.getByTestId('database-export');
    this.exportStatus = page.getByTestId('database-export-status');
    this.databaseFile = page.getByTestId('database-file');
    this.preview = page.getByTestId('database-preview');
    this.importError = page.getByTestId('database-import-error');
    this.confirm = page.getByRole('button', { name: 'Replace the data on this device' });
  }

  async open(): Promise<void> {
    await this.page.goto('/data');
    await this.loaded();
  }

  async hydrated(): Promise<void> {
    await this.page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
  }

  /** Hydrated, and the engine has read this device's tables (so IndexedDB is open at its schema). */
  async loaded(): Promise<void> {
    await this.hydrated();
    await expect(this.page.getByTestId('data-screen')).toHaveAttribute('data-loaded', 'true');
  }

  /** Waits until the service worker is active: the next navigation, a reload offline included, goes through it. */
  async serviceWorkerReady(): Promise<void> {
    await this.page.waitForFunction(
      async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated',
    );
  }

  /** Clicks Export database and returns the downloaded file's name and text. */
  async exportDatabase(): Promise<{ name: string; text: string }> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.exportButton.click()]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    await expect(this.exportStatus).toContainText('Saved lyra-database-');
    return { name: download.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
  }

  async chooseDatabaseFile(name: string, text: string): Promise<void> {
    await this.databaseFile.setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
  }
}

/**
 * Every named table of this page's IndexedDB, read with the raw IndexedDB API (not Lyra's code), its
 * rows normalised so that JSON keeps everything: typed arrays as their kind and bytes, NaN, ±Infinity,
 * -0, undefined, bigints and dates tagged; object keys sorted; rows in primary-key order.
 */
export function readTables(page: Page, tables: readonly string[]): Promise<Record<string, unknown[]>> {
  return page.evaluate(async (names) => {
    const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    const normal = (v: unknown): unknown => {
      if (v === undefined) return { undefined: true };
      if (typeof v === 'number')
        return Number.isFinite(v) && !Object.is(v, -0) ? v : { number: Object.is(v, -0) ? '-0' : String(v) };
      if (typeof v === 'bigint') return { bigint: v.toString() };
      if (v === null || typeof v !== 'object') return v;
      if (v instanceof Date) return { date: v.getTime() };
      if (v instanceof ArrayBuffer) return { ArrayBuffer: hex(new Uint8Array(v)) };
      if (ArrayBuffer.isView(v))
        return { [v.constructor.name]: hex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
      if (Array.isArray(v)) return v.map(normal);
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, normal((v as Record<string, unknown>)[k])]),
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
            req.onsuccess = () => resolve(req.result as unknown[]);
            req.onerror = () => reject(req.error);
          }),
      ),
    );
    db.close();
    return Object.fromEntries(names.map((n, i) => [n, all[i]!.map(normal)]));
  }, tables as string[]);
}
