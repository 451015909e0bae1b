import { afterEach, expect, it } from 'vitest';
import { API_KEY, closeAll, freshDb, makeVault, PASSPHRASE, SECRET } from './test-vault.js';

afterEach(closeAll);

it('keeps no secret in clear in IndexedDB: every table of the database, dumped, lacks them', async () => {
  const db = freshDb();
  const vault = makeVault({ db });
  const { recoveryKey } = await vault.setup(PASSPHRASE);
  const prfOutput = crypto.getRandomValues(new Uint8Array(32));
  const prfCopy = Uint8Array.from(prfOutput);
  await vault.addPasskey({
    proof: { kind: 'passphrase', passphrase: PASSPHRASE },
    credentialId: 'Y3JlZGVudGlhbC1pZA',
    prfSalt: 'c2FsdC1zYWx0LXNhbHQtc2FsdA',
    prfOutput,
    label: 'Laptop',
  });
  const added = await vault.addAccount({
    exchange: 'binance',
    venue: 'live',
    label: 'Main',
    credentials: { apiKey: API_KEY, secret: SECRET },
  });
  expect(added.saved).toBe(true);
  await vault.changePassphrase({ kind: 'passphrase', passphrase: PASSPHRASE }, `${PASSPHRASE} two`);

  const dump: Record<string, unknown[]> = {};
  for (const table of db.tables) dump[table.name] = await table.toArray();
  expect(Object.keys(dump)).toEqual(expect.arrayContaining(['vaultKeys', 'exchangeAccounts', 'vaultState']));
  expect(dump.exchangeAccounts).toHaveLength(1);
  const text = JSON.stringify(dump);
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
  for (const secret of [
    SECRET,
    API_KEY,
    PASSPHRASE,
    recoveryKey,
    recoveryKey.replace(/-/g, ''),
    b64(prfCopy),
    hex(prfCopy),
    Buffer.from(SECRET).toString('base64url'),
  ]) {
    expect(text.includes(secret), 'a secret is stored in clear').toBe(false);
  }
});
