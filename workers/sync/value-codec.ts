/**
 * A compact binary form for the values IndexedDB rows hold (what structured clone would keep): null,
 * undefined, booleans, numbers, strings, bigints, dates, typed arrays, ArrayBuffers, arrays and plain
 * objects. JSON would lose typed arrays (candle columns), bigints and dates, and would be several
 * times larger for the candle store. Typed arrays are written as their raw little-endian bytes.
 */

const enum Tag {
  Null = 0,
  Undefined = 1,
  False = 2,
  True = 3,
  Float = 4,
  Int = 5,
  String = 6,
  Array = 7,
  Object = 8,
  BigInt = 9,
  Date = 10,
  Typed = 11,
  Buffer = 12,
}

const typedKinds = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

type TypedArray = InstanceType<(typeof typedKinds)[number]>;

export class CodecError extends Error {
  override name = 'CodecError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A growable byte buffer the encoder appends to; reuse one across rows to avoid reallocations. */
export class ByteWriter {
  private buf: Uint8Array<ArrayBuffer>;
  private view: DataView;
  length = 0;

  constructor(initial = 1 << 16) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }

  u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }

  i32(v: number): void {
    this.room(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }

  f64(v: number): void {
    this.room(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  string(s: string): void {
    // Worst case 3 bytes per UTF-16 unit; write the length after encoding.
    this.room(4 + s.length * 3);
    const at = this.length;
    this.length += 4;
    const { written } = encoder.encodeInto(s, this.buf.subarray(this.length));
    this.view.setUint32(at, written, true);
    this.length += written;
  }

  /** The bytes written so far, as a view (valid until the next write). */
  written(): Uint8Array<ArrayBuffer> {
    return this.buf.subarray(0, this.length);
  }

  /** A copy of the bytes written so far. */
  take(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.length);
  }

  reset(): void {
    this.length = 0;
  }
}

export function writeValue(w: ByteWriter, value: unknown, depth = 0): void {
  if (depth > 64) throw new CodecError('A value is nested more than 64 levels deep.');
  if (value === null) return w.u8(Tag.Null);
  switch (typeof value) {
    case 'undefined':
      return w.u8(Tag.Undefined);
    case 'boolean':
      return w.u8(value ? Tag.True : Tag.False);
    case 'number':
      if (Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff && !Object.is(value, -0)) {
        w.u8(Tag.Int);
        return w.i32(value);
      }
      w.u8(Tag.Float);
      return w.f64(value);
    case 'string':
      w.u8(Tag.String);
      return w.string(value);
    case 'bigint':
      w.u8(Tag.BigInt);
      return w.string(value.toString());
    case 'object':
      break;
    default:
      throw new CodecError(`A ${typeof value} cannot be stored in a backup.`);
  }
  if (Array.isArray(value)) {
    w.u8(Tag.Array);
    w.u32(value.length);
    for (const item of value) writeValue(w, item, depth + 1);
    return;
  }
  if (value instanceof Date) {
    w.u8(Tag.Date);
    return w.f64(value.getTime());
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const kind = typedKinds.findIndex((K) => value instanceof K);
    if (kind < 0) throw new CodecError('An unknown typed array cannot be stored in a backup.');
    w.u8(Tag.Typed);
    w.u8(kind);
    w.u32(value.byteLength);
    return w.bytes(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  }
  if (value instanceof ArrayBuffer) {
    w.u8(Tag.Buffer);
    w.u32(value.byteLength);
    return w.bytes(new Uint8Array(value));
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    throw new CodecError(
      `A ${(value as object).constructor?.name ?? 'class'} object cannot be stored in a backup.`,
    );
  }
  const keys = Object.keys(value);
  w.u8(Tag.Object);
  w.u32(keys.length);
  for (const k of keys) {
    w.string(k);
    writeValue(w, (value as Record<string, unknown>)[k], depth + 1);
  }
}

/** Reads values back from bytes written by `writeValue`; refuses anything malformed. */
export class ByteReader {
  private readonly view: DataView;
  at = 0;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.at >= this.buf.length;
  }

  private need(n: number): void {
    if (this.at + n > this.buf.length) throw new CodecError('The data ends in the middle of a value.');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.at++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.at, true);
    this.at += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.at, true);
    this.at += 8;
    return v;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  string(): string {
    const n = this.u32();
    try {
      return decoder.decode(this.bytes(n));
    } catch (e) {
      if (e instanceof CodecError) throw e;
      throw new CodecError('A text value is not valid UTF-8.');
    }
  }
}

export function readValue(r: ByteReader, depth = 0): unknown {
  if (depth > 64) throw new CodecError('A value is nested more than 64 levels deep.');
  const tag = r.u8();
  switch (tag) {
    case Tag.Null:
      return null;
    case Tag.Undefined:
      return undefined;
    case Tag.False:
      return false;
    case Tag.True:
      return true;
    case Tag.Int:
      return r.i32();
    case Tag.Float:
      return r.f64();
    case Tag.String:
      return r.string();
    case Tag.BigInt: {
      const text = r.string();
      if (!/^-?\d+$/.test(text)) throw new CodecError('A big integer value is damaged.');
      return BigInt(text);
    }
    case Tag.Date:
      return new Date(r.f64());
    case Tag.Array: {
      const n = r.u32();
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(readValue(r, depth + 1));
      return out;
    }
    case Tag.Object: {
      const n = r.u32();
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const key = r.string();
        // Own data property even for "__proto__", so a crafted key cannot change the prototype.
        Object.defineProperty(out, key, {
          value: readValue(r, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case Tag.Typed: {
      const Kind = typedKinds[r.u8()];
      if (!Kind) throw new CodecError('A typed array of unknown kind.');
      const n = r.u32();
      if (n % Kind.BYTES_PER_ELEMENT !== 0) throw new CodecError('A typed array has a ragged length.');
      // Copy: the view must start on an aligned offset of its own buffer.
      const copy = r.bytes(n).slice();
      return new Kind(copy.buffer, 0, n / Kind.BYTES_PER_ELEMENT) as TypedArray;
    }
    case Tag.Buffer:
      return r.bytes(r.u32()).slice().buffer;
    default:
      throw new CodecError(`Unknown value tag ${tag}.`);
  }
}

export function encodeValue(value: unknown): Uint8Array<ArrayBuffer> {
  const w = new ByteWriter(256);
  writeValue(w, value);
  return w.take();
}

export function decodeValue(bytes: Uint8Array): unknown {
  const r = new ByteReader(bytes);
  const value = readValue(r);
  if (!r.done) throw new CodecError('There are stray bytes after the value.');
  return value;
}
