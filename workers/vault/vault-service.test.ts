import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomBytes, toBase64Url } from './bytes.js';
import { PBKDF2_MIN_ITERATIONS } from './key-wrapping.js';
import { closeAll, freshDb, makeVault, PASSPHRASE } from './test-vault.js';
import type { VaultService } from './vault-service.js';

afterEach(async () => {
  vi.useRealTimers();
  await closeAll();
});

const pass = (passphrase: string) => ({ kind: 'passphrase', passphrase }) as const;

/** The unwrapped data key is private by design; tests reach in only to prove it cannot be exported. */
function heldKey(vault: VaultService): CryptoKey {
  return (vault as unknown as { held: { key: CryptoKey } }).held.key;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: { error?: { code?: string } }) => e.error?.code ?? String(e),
  );
}

describe('vault setup and unlock', () => {
  it('starts not set up, sets up with a passphrase, and is then unlocked', async () => {
    const vault = makeVault();
    expect((await vault.status()).state).toBe('not-set-up');
    expect(await codeOf(vault.unlock(pass(PASSPHRASE)))).toBe('vault-not-set-up');
    const { recoveryKey, status } = await vault.setup(PASSPHRASE);
    expect(recoveryKey).toMatch(/^([0-9A-Z]{4}-){8}[0-9A-Z]{4}$/);
    expect(status).toMatchObject({
      state: 'unlocked',
      methods: { passphrase: true, recovery: true, passkeys: [] },
      autoLockMinutes: 15,
    });
    expect(await codeOf(vault.setup('another passphrase'))).toBe('vault-already-set-up');
  });

  it('refuses a short passphrase at setup', async () => {
    const vault = makeVault();
    expect(await codeOf(vault.setup('short'))).toBe('vault-weak-passphrase');
    expect((await vault.status()).state).toBe('not-set-up');
  });

  it('stores the PBKDF2 record with at least 600,000 iterations and a 16-byte salt', async () => {
    const db = freshDb();
    await makeVault({ db }).setup(PASSPHRASE);
    const record = await db.vaultKeys.get('passphrase');
    expect(record?.kind).toBe('passphrase');
    if (record?.kind !== 'passphrase') throw new Error('no passphrase record');
    expect(record.kdf.name).toBe('PBKDF2');
    expect(record.kdf.hash).toBe('SHA-256');
    expect(record.kdf.iterations).toBeGreaterThanOrEqual(PBKDF2_MIN_ITERATIONS);
    expect(record.kdf.salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('holds only a non-extractable key while unlocked, and drops it on lock', async () => {
    const vault = makeVault();
    await vault.setup(PASSPHRASE);
    const key = heldKey(vault);
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
    await vault.lock();
    expect(vault.isUnlocked).toBe(false);
    expect((vault as unknown as { held: unknown }).held).toBeNull();
    expect((await vault.status()).lockedBy).toBe('user');
    await vault.unlock(pass(PASSPHRASE));
    await expect(crypto.subtle.exportKey('raw', heldKey(vault))).rejects.toThrow();
  });

  it('unlocks a reopened vault with the passphrase and refuses a wrong one', async () => {
    const db = freshDb();
    await makeVault({ db }).setup(PASSPHRASE);
    const vault = makeVault({ db });
    expect((await vault.status()).state).toBe('locked');
    const wrong = await vault.unlock(pass('correct horse battery stapler')).catch((e) => e.error);
    expect(wrong).toMatchObject({ code: 'vault-wrong-passphrase', details: { failures: 1 } });
    expect(wrong.message).not.toContain('stapler');
    expect((await vault.status()).state).toBe('locked');
    expect((await vault.unlock(pass(PASSPHRASE))).state).toBe('unlocked');
    expect((await vault.status()).failures).toBe(0);
  });

  it('runs the full PBKDF2 derivation for a wrong passphrase (no early exit to time)', async () => {
    const db = freshDb();
    await makeVault({ db }).setup(PASSPHRASE);
    const vault = makeVault({ db });
    const derive = vi.spyOn(crypto.subtle, 'deriveKey');
    try {
      await vault.unlock(pass('x')).catch(() => undefined);
      await vault.unlock(pass(PASSPHRASE));
      // Only the PBKDF2 derivations: unlocking also derives the backup key (HKDF).
      const iterations = derive.mock.calls
        .filter((c) => (c[0] as { name: string }).name === 'PBKDF2')
        .map((c) => (c[0] as Pbkdf2Params).iterations);
      expect(iterations).toEqual([PBKDF2_MIN_ITERATIONS, PBKDF2_MIN_ITERATIONS]);
    } finally {
      derive.mockRestore();
    }
  });

  it('after five wrong tries makes the next wait, growing, and remembers it across a reload', async () => {
    let now = Date.UTC(2026, 0, 1);
    const db = freshDb();
    await makeVault({ db, now: () => now }).setup(PASSPHRASE);
    const vault = makeVault({ db, now: () => now });
    for (let i = 1; i <= 5; i++) {
      expect(await codeOf(vault.unlock(pass(`wrong guess ${i}`)))).toBe('vault-wrong-passphrase');
    }
    expect((await vault.status()).retryInMs).toBe(5_000);
    // Even the right passphrase waits: the throttle does not reveal whether a try would have worked.
    expect(await codeOf(vault.unlock(pass(PASSPHRASE)))).toBe('vault-try-later');

    const reloaded = makeVault({ db, now: () => now });
    expect(await codeOf(reloaded.unlock(pass(PASSPHRASE)))).toBe('vault-try-later');
    now += 5_000;
    const sixth = await reloaded.unlock(pass('wrong guess 6')).catch((e) => e.error);
    expect(sixth).toMatchObject({
      code: 'vault-wrong-passphrase',
      details: { failures: 6, retryInMs: 10_000 },
    });
    now += 9_999;
    expect(await codeOf(reloaded.unlock(pass(PASSPHRASE)))).toBe('vault-try-later');
    now += 1;
    expect((await reloaded.unlock(pass(PASSPHRASE))).state).toBe('unlocked');
    expect((await reloaded.status()).failures).toBe(0);
  });

  it('unlocks with the recovery key, and refuses a typo without counting a try', async () => {
    const db = freshDb();
    const { recoveryKey } = await makeVault({ db }).setup(PASSPHRASE);
    const vault = makeVault({ db });
    const typo = recoveryKey.slice(0, 5) + (recoveryKey[5] === 'A' ? 'B' : 'A') + recoveryKey.slice(6);
    expect(await codeOf(vault.unlock({ kind: 'recovery', recoveryKey: typo }))).toBe(
      'vault-recovery-key-typo',
    );
    expect((await vault.status()).failures).toBe(0);
    expect((await vault.unlock({ kind: 'recovery', recoveryKey: recoveryKey.toLowerCase() })).state).toBe(
      'unlocked',
    );
  });

  it('refuses a well-formed recovery key from another vault and counts it', async () => {
    const db = freshDb();
    await makeVault({ db }).setup(PASSPHRASE);
    const { recoveryKey: other } = await makeVault().setup(PASSPHRASE);
    const vault = makeVault({ db });
    expect(await codeOf(vault.unlock({ kind: 'recovery', recoveryKey: other }))).toBe(
      'vault-wrong-recovery-key',
    );
    expect((await vault.status()).failures).toBe(1);
  });

  it('changes the passphrase: the old one fails, the new one works, and the data key stays the same', async () => {
    const db = freshDb();
    const vault = makeVault({ db });
    await vault.setup(PASSPHRASE);
    const added = await vault.addAccount({
      exchange: 'binance',
      venue: 'sandbox',
      credentials: { apiKey: 'an-api-key-long-enough', secret: 'the-secret-value' },
    });
    if (!added.saved) throw new Error('not saved');
    expect(await codeOf(vault.changePassphrase(pass('not the passphrase'), 'a brand new passphrase'))).toBe(
      'vault-wrong-passphrase',
    );
    expect(await codeOf(vault.changePassphrase(pass(PASSPHRASE), 'short'))).toBe('vault-weak-passphrase');
    await vault.changePassphrase(pass(PASSPHRASE), 'a brand new passphrase');
    expect(await db.vaultKeys.count()).toBe(2);

    const reopened = makeVault({ db });
    expect(await codeOf(reopened.unlock(pass(PASSPHRASE)))).toBe('vault-wrong-passphrase');
    await reopened.unlock(pass('a brand new passphrase'));
    expect(await reopened.credentialsFor(added.account.id)).toEqual({
      apiKey: 'an-api-key-long-enough',
      secret: 'the-secret-value',
    });
  });

  it('replaces the recovery key: the old one stops working, the new one opens the vault', async () => {
    const db = freshDb();
    const vault = makeVault({ db });
    const { recoveryKey: first } = await vault.setup(PASSPHRASE);
    const { recoveryKey: second } = await vault.newRecoveryKey(pass(PASSPHRASE));
    expect(second).not.toBe(first);
    const reopened = makeVault({ db });
    expect(await codeOf(reopened.unlock({ kind: 'recovery', recoveryKey: first }))).toBe(
      'vault-wrong-recovery-key',
    );
    expect((await reopened.unlock({ kind: 'recovery', recoveryKey: second })).state).toBe('unlocked');
  });
});

describe('passkey (PRF) unlock', () => {
  const credentialId = toBase64Url(randomBytes(16));
  const prfSalt = toBase64Url(randomBytes(32));
  const prf = randomBytes(32);

  it('adds a passkey wrap after proof, then unlocks with the same PRF output only', async () => {
    const db = freshDb();
    const vault = makeVault({ db });
    await vault.setup(PASSPHRASE);
    const given = Uint8Array.from(prf);
    const status = await vault.addPasskey({
      proof: pass(PASSPHRASE),
      credentialId,
      prfSalt,
      prfOutput: given,
      label: 'Laptop',
    });
    expect(given.every((b) => b === 0)).toBe(true); // the worker keeps no copy of the PRF bytes
    expect(status.methods.passkeys).toEqual([
      expect.objectContaining({ id: `prf:${credentialId}`, credentialId, prfSalt, label: 'Laptop' }),
    ]);

    const reopened = makeVault({ db });
    const other = randomBytes(32);
    expect(await codeOf(reopened.unlock({ kind: 'passkey', credentialId, prfOutput: other }))).toBe(
      'vault-wrong-passkey',
    );
    expect(
      await codeOf(
        reopened.unlock({ kind: 'passkey', credentialId: 'unknown', prfOutput: Uint8Array.from(prf) }),
      ),
    ).toBe('vault-unknown-passkey');
    const unlocked = await reopened.unlock({
      kind: 'passkey',
      credentialId,
      prfOutput: Uint8Array.from(prf),
    });
    expect(unlocked.state).toBe('unlocked');
    await expect(crypto.subtle.exportKey('raw', heldKey(reopened))).rejects.toThrow();
  });

  it('refuses to add a passkey without a valid proof or with a PRF result of the wrong size', async () => {
    const vault = makeVault();
    await vault.setup(PASSPHRASE);
    const input = { credentialId, prfSalt, label: 'Phone' };
    expect(
      await codeOf(
        vault.addPasskey({ ...input, proof: pass('wrong passphrase!'), prfOutput: Uint8Array.from(prf) }),
      ),
    ).toBe('vault-wrong-passphrase');
    expect(
      await codeOf(vault.addPasskey({ ...input, proof: pass(PASSPHRASE), prfOutput: new Uint8Array(16) })),
    ).toBe('vault-bad-passkey');
    expect((await vault.status()).methods.passkeys).toEqual([]);
  });

  it('removes a passkey wrap', async () => {
    const vault = makeVault();
    await vault.setup(PASSPHRASE);
    await vault.addPasskey({
      proof: pass(PASSPHRASE),
      credentialId,
      prfSalt,
      prfOutput: Uint8Array.from(prf),
      label: 'Key',
    });
    const status = await vault.removePasskey(`prf:${credentialId}`);
    expect(status.methods.passkeys).toEqual([]);
    expect(await codeOf(vault.removePasskey('prf:nope'))).toBe('vault-unknown-passkey');
  });
});

describe('auto-lock', () => {
  it('locks after the idle time, and activity postpones it', async () => {
    const vault = makeVault();
    await vault.setup(PASSPHRASE);
    await vault.setAutoLockMinutes(2);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await vault.lock();
    await vault.unlock(pass(PASSPHRASE));
    const events: string[] = [];
    vault.subscribe((e) => e.type === 'status' && events.push(e.status.state));

    vi.advanceTimersByTime(90_000);
    vault.touch();
    vi.advanceTimersByTime(90_000);
    expect(vault.isUnlocked).toBe(true); // 90 s since the last activity
    vi.advanceTimersByTime(30_000);
    expect(vault.isUnlocked).toBe(false);
    vi.useRealTimers();
    const status = await vault.status();
    expect(status).toMatchObject({ state: 'locked', lockedBy: 'idle' });
    await vi.waitFor(() => expect(events).toContain('locked'));
    expect(await codeOf(vault.credentialsFor('any'))).toBe('vault-locked');
  });

  it('keeps the auto-lock setting (default 15 minutes) and refuses nonsense', async () => {
    const db = freshDb();
    const vault = makeVault({ db });
    await vault.setup(PASSPHRASE);
    expect((await vault.status()).autoLockMinutes).toBe(15);
    await vault.setAutoLockMinutes(5);
    expect((await makeVault({ db }).status()).autoLockMinutes).toBe(5);
    expect(await codeOf(vault.setAutoLockMinutes(0))).toBe('vault-bad-auto-lock');
    expect(await codeOf(vault.setAutoLockMinutes(2.5))).toBe('vault-bad-auto-lock');
  });
});

interface Pbkdf2Params {
  iterations: number;
}
