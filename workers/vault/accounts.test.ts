import { afterEach, describe, expect, it, vi } from 'vitest';
import { engineError } from '../shared/errors.js';
import type { ConnectionTester } from './api.js';
import { API_KEY, closeAll, freshDb, makeVault, PASSPHRASE, SECRET } from './test-vault.js';

afterEach(closeAll);

const credentials = { apiKey: API_KEY, secret: SECRET };
const failingTest: ConnectionTester = async () => ({
  ok: false,
  error: engineError('auth', 'The exchange refused the API key. Check the key and its permissions.'),
});

async function unlockedVault(testConnection?: ConnectionTester) {
  const db = freshDb();
  const vault = makeVault(testConnection ? { db, testConnection } : { db });
  await vault.setup(PASSPHRASE);
  return { db, vault };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: { error?: { code?: string } }) => e.error?.code ?? String(e),
  );
}

describe('exchange accounts', () => {
  it('tests the connection, then stores the account with metadata only in the summary', async () => {
    const tester = vi.fn<ConnectionTester>(async () => ({ ok: true, balances: { USDT: '10000' } }));
    const { vault } = await unlockedVault(tester);
    const result = await vault.addAccount({
      exchange: 'binance',
      venue: 'sandbox',
      label: ' Main ',
      credentials,
    });
    expect(tester).toHaveBeenCalledWith(
      { exchange: 'binance', venue: 'sandbox', label: 'Main' },
      credentials,
    );
    expect(result).toMatchObject({ saved: true, test: { ok: true, balances: { USDT: '10000' } } });
    const list = await vault.listAccounts();
    expect(list).toEqual([
      {
        id: expect.any(String),
        exchange: 'binance',
        venue: 'sandbox',
        label: 'Main',
        apiKeyHint: `…${API_KEY.slice(-4)}`,
        fields: ['apiKey', 'secret'],
        lastTest: { ok: true, at: expect.any(Number), code: null },
        createdAt: expect.any(Number),
      },
    ]);
    expect(JSON.stringify(list)).not.toContain(SECRET);
    expect(JSON.stringify(list)).not.toContain(API_KEY);
    expect(await vault.credentialsFor(list[0]!.id)).toEqual(credentials);
    expect(await vault.withCredentials(list[0]!.id, async (c) => c.secret === SECRET)).toBe(true);
  });

  it('stores nothing when the connection test fails, unless the caller says save anyway', async () => {
    const { db, vault } = await unlockedVault(failingTest);
    const refused = await vault.addAccount({ exchange: 'binance', venue: 'live', credentials });
    expect(refused).toEqual({
      saved: false,
      test: { ok: false, error: expect.objectContaining({ code: 'auth' }) },
    });
    expect(await db.exchangeAccounts.count()).toBe(0);

    const kept = await vault.addAccount({
      exchange: 'binance',
      venue: 'live',
      credentials,
      saveAnyway: true,
    });
    expect(kept).toMatchObject({ saved: true, account: { lastTest: { ok: false, code: 'auth' } } });
    expect(await db.exchangeAccounts.count()).toBe(1);
  });

  it('turns a throwing connection test into a failed test, and strips credentials from its messages', async () => {
    const echoing: ConnectionTester = async (_a, c) => ({
      ok: false,
      error: engineError('exchange', `Rejected key ${c.apiKey}`, false, { cause: `secret=${c.secret}` }),
    });
    const { vault } = await unlockedVault(echoing);
    const r = await vault.addAccount({ exchange: 'binance', venue: 'sandbox', credentials });
    expect(JSON.stringify(r)).not.toContain(API_KEY);
    expect(JSON.stringify(r)).not.toContain(SECRET);
    expect(r.test.ok).toBe(false);

    const { vault: v2, db } = await unlockedVault(async () => {
      throw new Error(`socket closed for ${SECRET}`);
    });
    const thrown = await v2.addAccount({ exchange: 'binance', venue: 'sandbox', credentials });
    expect(thrown).toMatchObject({ saved: false, test: { ok: false, error: { code: 'connection-test' } } });
    expect(JSON.stringify(thrown)).not.toContain(SECRET);
    expect(await db.exchangeAccounts.count()).toBe(0);
  });

  it('asks for exactly the credentials the exchange requires, naming fields and never values', async () => {
    const { vault } = await unlockedVault();
    expect((await vault.credentialFields('binance')).map((f) => [f.name, f.secret])).toEqual([
      ['apiKey', false],
      ['secret', true],
    ]);
    const missing = await vault
      .addAccount({ exchange: 'binance', venue: 'sandbox', credentials: { apiKey: API_KEY } })
      .catch((e) => e.error);
    expect(missing).toMatchObject({ code: 'vault-bad-credentials', details: { missing: 'secret' } });
    expect(missing.message).not.toContain(API_KEY);
    const extra = await vault
      .addAccount({
        exchange: 'binance',
        venue: 'sandbox',
        credentials: { ...credentials, password: 'pw-value' },
      })
      .catch((e) => e.error);
    expect(extra).toMatchObject({ code: 'vault-bad-credentials', details: { unexpected: 'password' } });
    expect(extra.message).not.toContain('pw-value');
    expect(
      await codeOf(
        vault.addAccount({
          exchange: 'binance',
          venue: 'sandbox',
          credentials: { apiKey: ' ', secret: 'x' },
        }),
      ),
    ).toBe('vault-bad-credentials');
    expect(await codeOf(vault.addAccount({ exchange: 'kraken', venue: 'live', credentials }))).toBe(
      'vault-unsupported-exchange',
    );
    expect(
      await codeOf(vault.addAccount({ exchange: 'binance', venue: 'prod' as 'live', credentials })),
    ).toBe('vault-bad-venue');
  });

  it('needs the vault unlocked to add or read credentials, not to list, rename or remove', async () => {
    const { vault } = await unlockedVault();
    const added = await vault.addAccount({ exchange: 'binance', venue: 'sandbox', credentials });
    if (!added.saved) throw new Error('not saved');
    await vault.lock();
    expect(await codeOf(vault.addAccount({ exchange: 'binance', venue: 'sandbox', credentials }))).toBe(
      'vault-locked',
    );
    expect(await codeOf(vault.credentialsFor(added.account.id))).toBe('vault-locked');
    expect(await codeOf(vault.withCredentials(added.account.id, async () => 1))).toBe('vault-locked');
    expect((await vault.renameAccount(added.account.id, 'Renamed')).label).toBe('Renamed');
    expect((await vault.listAccounts()).map((a) => a.label)).toEqual(['Renamed']);
    await vault.removeAccount(added.account.id);
    expect(await vault.listAccounts()).toEqual([]);
    expect(await codeOf(vault.removeAccount(added.account.id))).toBe('vault-unknown-account');
    expect(await codeOf(vault.renameAccount('nope', 'x'))).toBe('vault-unknown-account');
    expect(await codeOf(vault.renameAccount(added.account.id, '   '))).toBe('vault-bad-label');
  });

  it('refuses to save when the vault locked while the connection test ran', async () => {
    const db = freshDb();
    let vaultRef: { lock(): Promise<unknown> } | null = null;
    const slowTest: ConnectionTester = async () => {
      await vaultRef!.lock();
      return { ok: true };
    };
    const vault = makeVault({ db, testConnection: slowTest });
    vaultRef = vault;
    await vault.setup(PASSPHRASE);
    expect(await codeOf(vault.addAccount({ exchange: 'binance', venue: 'sandbox', credentials }))).toBe(
      'vault-locked',
    );
    expect(await db.exchangeAccounts.count()).toBe(0);
  });

  it('binds each envelope to its account: a swapped envelope does not open', async () => {
    const { db, vault } = await unlockedVault();
    const a = await vault.addAccount({ exchange: 'binance', venue: 'sandbox', label: 'A', credentials });
    const b = await vault.addAccount({
      exchange: 'binance',
      venue: 'live',
      label: 'B',
      credentials: { apiKey: 'another-api-key-0000', secret: 'another-secret' },
    });
    if (!a.saved || !b.saved) throw new Error('not saved');
    const rowA = (await db.exchangeAccounts.get(a.account.id))!;
    await db.exchangeAccounts.update(b.account.id, { envelope: rowA.envelope });
    expect(await codeOf(vault.credentialsFor(b.account.id))).toBe('vault-envelope-damaged');
    await db.exchangeAccounts.update(a.account.id, { venue: 'live' });
    expect(await codeOf(vault.credentialsFor(a.account.id))).toBe('vault-envelope-damaged');
  });

  it('tells listeners when the account list changes', async () => {
    const { vault } = await unlockedVault();
    const seen: number[] = [];
    const id = vault.subscribe((e) => e.type === 'accounts' && seen.push(e.accounts.length));
    await vault.addAccount({ exchange: 'binance', venue: 'sandbox', credentials });
    await vi.waitFor(() => expect(seen).toEqual([1]));
    vault.unsubscribe(id);
    await vault.addAccount({ exchange: 'binance', venue: 'sandbox', credentials });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([1]);
  });
});
