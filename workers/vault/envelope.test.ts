import { describe, expect, it } from 'vitest';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes.js';
import { open, seal, type Envelope } from './envelope.js';

async function dataKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

function flipFirstByte(b64: string): string {
  const bytes = fromBase64Url(b64)!;
  bytes[0]! ^= 1;
  return toBase64Url(bytes);
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toMatchObject({ error: { code } });
}

describe('envelope', () => {
  it('round-trips and has the versioned shape with a 12-byte IV', async () => {
    const key = await dataKey();
    const e = await seal(key, 'key-1', 'account:a', utf8('{"secret":"s3cr3t"}'));
    expect(Object.keys(e).sort()).toEqual(['alg', 'ct', 'iv', 'kdf', 'keyId', 'v']);
    expect(e).toMatchObject({ v: 1, alg: 'AES-GCM-256', kdf: 'wrapped-data-key', keyId: 'key-1' });
    expect(fromBase64Url(e.iv)).toHaveLength(12);
    expect(e.ct).not.toContain('s3cr3t');
    expect(fromUtf8(await open(key, e, 'account:a'))).toBe('{"secret":"s3cr3t"}');
  });

  it('uses a fresh IV every time', async () => {
    const key = await dataKey();
    const ivs = new Set<string>();
    for (let i = 0; i < 50; i++) ivs.add((await seal(key, 'k', 'c', utf8('same'))).iv);
    expect(ivs.size).toBe(50);
  });

  it('refuses a changed ciphertext, IV, context (additional data) or header', async () => {
    const key = await dataKey();
    const e = await seal(key, 'key-1', 'account:a', utf8('payload'));
    await rejectsWith(open(key, { ...e, ct: flipFirstByte(e.ct) }, 'account:a'), 'vault-envelope-damaged');
    await rejectsWith(open(key, { ...e, iv: flipFirstByte(e.iv) }, 'account:a'), 'vault-envelope-damaged');
    await rejectsWith(open(key, e, 'account:b'), 'vault-envelope-damaged');
    await rejectsWith(open(key, { ...e, keyId: 'key-2' }, 'account:a'), 'vault-envelope-damaged');
    await rejectsWith(open(await dataKey(), e, 'account:a'), 'vault-envelope-damaged');
  });

  it('refuses envelopes of another version or a malformed IV without trying to decrypt', async () => {
    const key = await dataKey();
    const e = await seal(key, 'key-1', 'c', utf8('payload'));
    await rejectsWith(open(key, { ...e, v: 2 } as unknown as Envelope, 'c'), 'vault-envelope-invalid');
    await rejectsWith(open(key, { ...e, iv: toBase64Url(new Uint8Array(8)) }, 'c'), 'vault-envelope-invalid');
    await rejectsWith(open(key, { ...e, ct: 'not base64!' }, 'c'), 'vault-envelope-invalid');
  });
});
