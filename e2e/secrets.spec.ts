import type { Page, Request } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect, test } from './fixtures';
import { AccountPage } from './pages/account-page';
import { LivePage } from './pages/live-page';
import { TicketPage } from './pages/ticket-page';
import { TradePage } from './pages/trade-page';
import { VaultPage } from './pages/vault-page';
import { VirtualAuthenticator } from './support/virtual-authenticator';

/**
 * After a whole live session, the sandbox secret and the vault passphrase are nowhere they should not
 * be: not in IndexedDB, not in the server's log or database files, not in any request to our server,
 * not in the browser console. The API key is public by design and may travel only in the exchange's
 * X-MBX-APIKEY header through the relay (and come back once, from /sandbox/api-keys, which made it).
 * The server here is the test's own: its log at debug level and its data directory are all ours to read.
 */

const PASSPHRASE = 'quiet meadow copper lantern';
const ACCOUNT = 'Sandbox secrets';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** Every file under a directory, as bytes, by its path relative to the directory. */
function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return out;
}

/**
 * Every object store of every IndexedDB database of the origin as text. Binary values become their
 * bytes as Latin-1 characters, so a secret kept as UTF-8 bytes would still be found by a text search.
 */
async function dumpAllIndexedDb(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const bytes = (v: ArrayBuffer | ArrayBufferView) => {
      const u8 =
        v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      let s = '';
      for (const b of u8) s += String.fromCharCode(b);
      return s;
    };
    const out: Record<string, Record<string, unknown[]>> = {};
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(info.name!);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const stores: Record<string, unknown[]> = {};
      for (const name of [...db.objectStoreNames]) {
        stores[name] = await new Promise<unknown[]>((resolve, reject) => {
          const r = db.transaction(name).objectStore(name).getAll();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      }
      db.close();
      out[info.name] = stores;
    }
    return JSON.stringify(out, (_k, v) =>
      v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? bytes(v as ArrayBuffer) : v,
    );
  });
}

test.describe('Secrets stay on the device', () => {
  let server: ChildProcess | undefined;
  let dir: string | undefined;
  test.afterEach(() => {
    server?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('after a live session the secret is in no store, log, database file, request or console line', async ({
    browser,
    viewport,
  }, testInfo) => {
    test.setTimeout(300_000);
    dir = mkdtempSync(join(tmpdir(), 'lyra-secrets-'));
    const dataDir = join(dir, 'data');
    const port = 4410 + (testInfo.project.name === 'phone' ? 1 : 0);
    let log = '';
    server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: 'localhost',
        DATA_DIR: dataDir,
        SANDBOX_SEED: '7',
        SANDBOX_HISTORY_DAYS: '1',
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (d: Buffer) => (log += d.toString('utf8')));
    server.stderr!.on('data', (d: Buffer) => (log += d.toString('utf8')));
    const origin = `http://localhost:${port}`;
    await expect
      .poll(async () => (await fetch(`${origin}/healthz`).catch(() => null))?.ok ?? false, {
        timeout: 90_000,
      })
      .toBe(true);

    const context = await browser.newContext({ viewport: viewport ?? undefined, baseURL: origin });
    const page = await context.newPage();

    // Everything the page, its workers and its service worker send to our server.
    const sent: Promise<Sent>[] = [];
    const record = (r: Request) => {
      if (!r.url().startsWith(origin)) return;
      sent.push(
        (async () => ({
          url: r.url(),
          method: r.method(),
          headers: await r.allHeaders().catch(() => r.headers()),
          body: r.postData() ?? '',
        }))(),
      );
    };
    context.on('request', record);
    const frames: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => frames.push(String(f.payload))));
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    page.on('pageerror', (e) => consoleLines.push(String(e)));
    // The one response allowed to carry the key pair: the sandbox (the exchange) creating it.
    let key: { apiKey: string; secret: string } | null = null;
    page.on('response', async (r) => {
      if (r.url() === `${origin}/sandbox/api-keys` && r.status() === 201)
        key = (await r.json()) as { apiKey: string; secret: string };
    });

    try {
      await VirtualAuthenticator.add(page);
      const account = new AccountPage(page);
      await account.open();
      await account.createAccount('Sam');
      await account.expectSignedIn('Sam');

      const vault = new VaultPage(page);
      await vault.open();
      await vault.setUp(PASSPHRASE);
      await vault.addSandboxAccount(ACCOUNT);
      await expect(page.getByTestId('add-account-result')).toContainText('Connected and saved');

      // Live: a resting limit on the exchange through the relay, then cancelled there.
      const trade = new TradePage(page);
      const t = new TicketPage(page);
      const live = new LivePage(page);
      await page.getByRole('link', { name: 'Trade' }).click();
      await trade.waitLive();
      await live.use(ACCOUNT);
      await live.expectLive(ACCOUNT);
      await live.expectStreaming();
      await t.reveal();
      await t.type('limit');
      await t.field('Price', ((await t.last()) * 0.97).toFixed(2));
      await t.field('Amount', '0.001');
      const id = await t.place();
      await t.expectResting(id);
      await t
        .openRow(id)
        .getByRole('button', { name: /^Cancel/ })
        .click();
      await t.panel('History');
      await expect(t.historyRow(id)).toHaveAttribute('data-status', 'cancelled', { timeout: 20_000 });

      expect(key, 'the sandbox key was created in this session').not.toBeNull();
      const { apiKey, secret } = key!;
      expect(secret.length).toBeGreaterThan(16);
      expect(apiKey.length).toBeGreaterThan(16);
      const secrets = { secret, passphrase: PASSPHRASE };

      // IndexedDB: every database, every store.
      const idb = await dumpAllIndexedDb(page);
      expect(idb).toContain('exchangeAccounts'); // the dump reached the vault's store
      for (const [what, value] of Object.entries(secrets))
        expect(idb.includes(value), `${what} in IndexedDB`).toBe(false);

      // Requests to our server: no secret anywhere; the API key only as the relay's X-MBX-APIKEY header.
      const requests = await Promise.all(sent);
      const relayed = requests.filter((r) => new URL(r.url).pathname.startsWith('/relay/'));
      expect(relayed.length, 'requests went through the relay').toBeGreaterThan(0);
      expect(
        relayed.some((r) => r.headers['x-mbx-apikey'] === apiKey),
        'the capture sees the API key in the relay header (so it would see a leak)',
      ).toBe(true);
      for (const r of requests) {
        const { 'x-mbx-apikey': relayKey, ...otherHeaders } = r.headers;
        const text = [r.url, JSON.stringify(otherHeaders), r.body].join('\n');
        for (const [what, value] of Object.entries(secrets))
          expect(
            text.includes(value) || relayKey?.includes(value),
            `${what} in ${r.method} ${r.url}`,
          ).toBeFalsy();
        expect(text.includes(apiKey), `API key outside its header in ${r.method} ${r.url}`).toBe(false);
        if (relayKey !== undefined)
          expect(new URL(r.url).pathname.startsWith('/relay/'), `X-MBX-APIKEY sent to ${r.url}`).toBe(true);
      }
      for (const f of frames)
        for (const value of Object.values(secrets)) expect(f.includes(value)).toBe(false);

      // Browser console.
      const consoleText = consoleLines.join('\n');
      for (const [what, value] of Object.entries(secrets))
        expect(consoleText.includes(value), `${what} in the console`).toBe(false);

      // The server's log, at debug level.
      expect(log.length, 'the server logged something').toBeGreaterThan(0);
      for (const [what, value] of [...Object.entries(secrets), ['API key', apiKey] as const])
        expect(log.includes(value), `${what} in the server log`).toBe(false);

      // The server's data directory: PGlite's files and anything else it wrote. The sandbox's own accounts
      // file is left out on purpose: the sandbox plays the exchange, and an exchange holds its API secrets.
      const sandboxFile = 'sandbox-accounts.json';
      const files = filesUnder(dataDir);
      expect([...files.keys()].some((f) => f.startsWith('pg'))).toBe(true);
      expect(
        files.get(sandboxFile)?.includes(Buffer.from(secret)),
        'the byte search finds a secret where one is',
      ).toBe(true);
      for (const [path, bytes] of files) {
        if (path === sandboxFile) continue;
        for (const [what, value] of Object.entries(secrets)) {
          expect(bytes.includes(Buffer.from(value, 'utf8')), `${what} in ${path}`).toBe(false);
          expect(bytes.includes(Buffer.from(value, 'utf16le')), `${what} (UTF-16) in ${path}`).toBe(false);
        }
      }
    } finally {
      await context.close();
    }
  });
});
