import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newRecoveryKey, parseRecoveryKey } from './recovery-key.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('recovery key', () => {
  it('is 160 random bits shown as eight groups of four plus a checksum group', async () => {
    const { bytes, text } = await newRecoveryKey();
    expect(bytes).toHaveLength(20);
    expect(text).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){8}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect([...(await parseRecoveryKey(text))]).toEqual([...bytes]);
    expect((await newRecoveryKey()).text).not.toBe(text);
  });

  it('forgives case, spaces and look-alike letters', async () => {
    const { bytes, text } = await newRecoveryKey();
    const typed = ` ${text.toLowerCase().replace(/-/g, ' ').replace(/1/g, 'l').replace(/0/g, 'o')} `;
    expect([...(await parseRecoveryKey(typed))]).toEqual([...bytes]);
  });

  it('catches any single mistyped character before an unlock is tried', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(35), fc.integer({ min: 1, max: 31 }), async (position, shift) => {
        const { text } = await newRecoveryKey();
        const chars = text.replace(/-/g, '').split('');
        chars[position] = ALPHABET[(ALPHABET.indexOf(chars[position]!) + shift) % 32]!;
        await expect(parseRecoveryKey(chars.join(''))).rejects.toMatchObject({
          error: { code: 'vault-recovery-key-typo' },
        });
      }),
      { numRuns: 60 },
    );
  });

  it('says which group holds a character recovery keys never use, and never echoes the key', async () => {
    const { text } = await newRecoveryKey();
    const bad = text.slice(0, 10) + 'U' + text.slice(11);
    const failure = await parseRecoveryKey(bad).catch((e) => e);
    expect(failure.error).toMatchObject({ code: 'vault-recovery-key-typo', details: { group: 3 } });
    expect(failure.error.message).not.toContain(text.slice(0, 4));
  });

  it('refuses a key with a group missing', async () => {
    const { text } = await newRecoveryKey();
    await expect(parseRecoveryKey(text.slice(5))).rejects.toMatchObject({
      error: { code: 'vault-recovery-key-typo', details: { expected: 36, got: 32 } },
    });
  });
});
