import { randomBytes, type Bytes } from './bytes.js';
import { vaultFailure } from './vault-errors.js';

/**
 * The printable recovery key: 160 random bits in Crockford base32 (no I, L, O, U, so it reads aloud
 * and copies by hand), in groups of four, followed by one checksum group (20 bits of SHA-256 of the
 * key). A typo is caught by the checksum before any unlock is attempted, so it costs no try.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECOVERY_KEY_BYTES = 20;
const KEY_CHARS = 32; // 160 bits / 5
const CHECK_CHARS = 4; // 20 bits
const GROUP = 4;

function encodeBase32(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

function decodeBase32(text: string): Bytes {
  const out = new Uint8Array(RECOVERY_KEY_BYTES);
  let buffer = 0;
  let bits = 0;
  let i = 0;
  for (const c of text) {
    buffer = (buffer << 5) | ALPHABET.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out[i++] = (buffer >>> (bits - 8)) & 255;
      bits -= 8;
      buffer &= (1 << bits) - 1;
    }
  }
  return out;
}

async function checksum(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return encodeBase32(digest.subarray(0, 3), CHECK_CHARS);
}

function grouped(text: string): string {
  return text.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');
}

/** A new recovery key: the bytes (to derive a KEK) and the text shown to the user once. */
export async function newRecoveryKey(): Promise<{ bytes: Bytes; text: string }> {
  const bytes = randomBytes(RECOVERY_KEY_BYTES);
  return { bytes, text: grouped(encodeBase32(bytes, KEY_CHARS) + (await checksum(bytes))) };
}

/** Forgives case, spaces, dashes and the look-alikes Crockford maps (I/L to 1, O to 0). */
function normalise(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

/**
 * Parses typed recovery-key text back to its bytes, or refuses with which group looks wrong. Never
 * echoes the key.
 */
export async function parseRecoveryKey(text: string): Promise<Bytes> {
  const clean = normalise(typeof text === 'string' ? text : '');
  const total = KEY_CHARS + CHECK_CHARS;
  if (clean.length !== total) {
    throw vaultFailure(
      'vault-recovery-key-typo',
      `A recovery key has ${total / GROUP} groups of four characters; this one has ${clean.length} characters. Check it against your copy.`,
      { expected: total, got: clean.length },
    );
  }
  const bad = [...clean].findIndex((c) => !ALPHABET.includes(c));
  if (bad >= 0) {
    const group = Math.floor(bad / GROUP) + 1;
    throw vaultFailure(
      'vault-recovery-key-typo',
      `Group ${group} of the recovery key has a character recovery keys never use. Check that group.`,
      { group },
    );
  }
  const bytes = decodeBase32(clean.slice(0, KEY_CHARS));
  if ((await checksum(bytes)) !== clean.slice(KEY_CHARS)) {
    throw vaultFailure(
      'vault-recovery-key-typo',
      'The recovery key has a typo: its last group does not match the others. Check each group against your copy.',
    );
  }
  return bytes;
}
