import { describe, expect, it } from 'vitest';
import { randomBytes } from './bytes.js';
import {
  kekFromPassphrase,
  kekFromSecretBytes,
  newHkdfParams,
  newPbkdf2Params,
  newWrappableDataKey,
  PBKDF2_MIN_ITERATIONS,
  PRF_INFO,
  RECOVERY_INFO,
  unwrapDataKey,
  wrapDataKey,
} from './key-wrapping.js';

describe('key wrapping', () => {
  it('unwraps with the same passphrase into a non-extractable key that decrypts what the original encrypted', async () => {
    const params = newPbkdf2Params();
    expect(params.iterations).toBeGreaterThanOrEqual(600_000);
    const dataKey = await newWrappableDataKey();
    const wrapped = await wrapDataKey(dataKey, await kekFromPassphrase('a long passphrase', params));
    const held = await unwrapDataKey(wrapped, await kekFromPassphrase('a long passphrase', params));
    expect(held).not.toBeNull();
    expect(held!.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', held!)).rejects.toThrow();
    const iv = randomBytes(12);
    const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, dataKey, new Uint8Array([1, 2, 3]));
    expect([...new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, held!, ct))]).toEqual([
      1, 2, 3,
    ]);
  });

  it('returns null for a wrong passphrase or salt instead of a key', async () => {
    const params = newPbkdf2Params();
    const wrapped = await wrapDataKey(
      await newWrappableDataKey(),
      await kekFromPassphrase('right one here', params),
    );
    expect(await unwrapDataKey(wrapped, await kekFromPassphrase('wrong one here', params))).toBeNull();
    expect(
      await unwrapDataKey(wrapped, await kekFromPassphrase('right one here', newPbkdf2Params())),
    ).toBeNull();
  });

  it('treats the same passphrase in another Unicode normal form as the same passphrase', async () => {
    const params = newPbkdf2Params();
    const wrapped = await wrapDataKey(
      await newWrappableDataKey(),
      await kekFromPassphrase('caf\u00e9 au lait', params),
    );
    expect(
      await unwrapDataKey(wrapped, await kekFromPassphrase('cafe\u0301 au lait', params)),
    ).not.toBeNull();
  });

  it('refuses fewer than 600,000 PBKDF2 iterations', () => {
    expect(PBKDF2_MIN_ITERATIONS).toBe(600_000);
    expect(() => newPbkdf2Params(599_999)).toThrow(RangeError);
    expect(newPbkdf2Params(700_000).iterations).toBe(700_000);
  });

  it('derives KEKs from secret bytes, zeroes the input, and separates PRF and recovery domains', async () => {
    const secret = randomBytes(32);
    const copy = () => Uint8Array.from(secret);
    const prf = newHkdfParams(PRF_INFO);
    const dataKey = await newWrappableDataKey();
    const input = copy();
    const kek = await kekFromSecretBytes(input, prf);
    expect(input.every((b) => b === 0)).toBe(true);
    expect(kek.extractable).toBe(false);
    const wrapped = await wrapDataKey(dataKey, kek);
    expect(await unwrapDataKey(wrapped, await kekFromSecretBytes(copy(), prf))).not.toBeNull();
    const otherDomain = { ...prf, info: RECOVERY_INFO };
    expect(await unwrapDataKey(wrapped, await kekFromSecretBytes(copy(), otherDomain))).toBeNull();
  });
});
