import { CodecError, decodeValue, encodeValue } from '../sync/value-codec.js';

/**
 * Row values as JSON without losing anything. What JSON holds as it is (strings, booleans, null, finite
 * numbers other than -0, arrays, plain objects) stays readable; anything else (typed arrays, NaN,
 * infinities, -0, undefined, bigints, dates, ArrayBuffers) becomes `{"$lyra": "<base64>"}`: the backup
 * value codec's bytes for it. A plain object that itself has a "$lyra" key is encoded whole, so the
 * marker can never be mistaken for data.
 */
export const ENCODED_KEY = '$lyra';

export function toJsonValue(value: unknown, depth = 0): unknown {
  if (depth > 64) throw new CodecError('A value is nested more than 64 levels deep.');
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? value : encoded(value);
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    // Index access, not map: a hole becomes undefined (encoded) instead of JSON's null.
    for (let i = 0; i < value.length; i++) out[i] = toJsonValue(value[i], depth + 1);
    return out;
  }
  if (isPlainObject(value) && !Object.hasOwn(value, ENCODED_KEY)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(out, key, toJsonValue(value[key], depth + 1));
    return out;
  }
  return encoded(value);
}

export function fromJsonValue(value: unknown, depth = 0): unknown {
  if (depth > 64) throw new CodecError('A value is nested more than 64 levels deep.');
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => fromJsonValue(item, depth + 1));
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === ENCODED_KEY) {
    const text = record[ENCODED_KEY];
    if (typeof text !== 'string') throw new CodecError(`A "${ENCODED_KEY}" value must be base64 text.`);
    return decodeValue(fromBase64(text));
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) setOwn(out, key, fromJsonValue(record[key], depth + 1));
  return out;
}

function encoded(value: unknown): Record<string, string> {
  return { [ENCODED_KEY]: toBase64(encodeValue(value)) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** An own data property even for "__proto__", so a crafted key cannot change the prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const CHUNK = 0x8000;

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.length; at += CHUNK)
    binary += String.fromCharCode(...bytes.subarray(at, at + CHUNK));
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new CodecError('An encoded value is not valid base64.');
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
