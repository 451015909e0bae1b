import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError, decodeValue, encodeValue } from './value-codec.js';

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

/**
 * Strict structural equality, stricter than toEqual: exact prototypes (a typed array of the same kind, a
 * plain object), Object.is for numbers (-0, NaN), own property descriptors for objects (so "__proto__"
 * must be an own enumerable key), and typed arrays compared by their bytes (keeps NaN payloads).
 */
function same(actual: unknown, expected: unknown, path = '$'): string | null {
  if (typeof actual !== typeof expected) return `${path}: ${typeof actual} instead of ${typeof expected}`;
  if (typeof expected !== 'object' || expected === null || actual === null) {
    return Object.is(actual, expected) ? null : `${path}: ${String(actual)} instead of ${String(expected)}`;
  }
  const a = actual as object;
  const e = expected as object;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(e)) return `${path}: another prototype`;
  if (e instanceof Date) {
    return Object.is((a as Date).getTime(), e.getTime()) ? null : `${path}: another date`;
  }
  if (ArrayBuffer.isView(e) || e instanceof ArrayBuffer) {
    const bytes = (v: ArrayBufferView | ArrayBuffer) =>
      v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    const x = bytes(a as ArrayBufferView);
    const y = bytes(e);
    if (x.length !== y.length) return `${path}: ${x.length} bytes instead of ${y.length}`;
    const at = x.findIndex((b, i) => b !== y[i]);
    return at < 0 ? null : `${path}: byte ${at} differs`;
  }
  if (Array.isArray(e)) {
    const arr = a as unknown[];
    if (arr.length !== e.length) return `${path}: length ${arr.length} instead of ${e.length}`;
    for (let i = 0; i < e.length; i++) {
      if (!Object.hasOwn(arr, i)) return `${path}[${i}]: a hole`;
      const d = same(arr[i], e[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  const ka = Reflect.ownKeys(a);
  const ke = Reflect.ownKeys(e);
  if (JSON.stringify(ka.map(String)) !== JSON.stringify(ke.map(String))) {
    return `${path}: keys ${JSON.stringify(ka.map(String))} instead of ${JSON.stringify(ke.map(String))}`;
  }
  for (const k of ke) {
    const da = Object.getOwnPropertyDescriptor(a, k)!;
    if (!da.enumerable || !('value' in da)) return `${path}.${String(k)}: not an enumerable data property`;
    const d = same(da.value, (e as Record<PropertyKey, unknown>)[k], `${path}.${String(k)}`);
    if (d) return d;
  }
  return null;
}

function expectSame(actual: unknown, expected: unknown): void {
  const diff = same(actual, expected);
  if (diff) throw new Error(diff);
}

function codecErrorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  return null;
}

/** Full unicode text without lone surrogates (TextEncoder would replace those, see below). */
const text = fc.string({ unit: 'binary', maxLength: 20 });

const number = fc.oneof(
  fc.double(), // includes -0, NaN, ±Infinity, non-integers
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom(-0, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 53),
);

const typedArray = fc
  .record({
    kind: fc.integer({ min: 0, max: typedKinds.length - 1 }),
    length: fc.nat({ max: 12 }),
    before: fc.nat({ max: 3 }),
    after: fc.nat({ max: 3 }),
    seed: fc.uint8Array({ minLength: 128, maxLength: 128 }),
  })
  .map(({ kind, length, before, after, seed }) => {
    const Kind = typedKinds[kind]!;
    const size = Kind.BYTES_PER_ELEMENT;
    // A view into a larger buffer, starting after `before` elements: the encoder must not write the rest.
    const buffer = new ArrayBuffer((before + length + after) * size);
    const all = new Uint8Array(buffer);
    for (let i = 0; i < all.length; i++) all[i] = seed[i % seed.length]! ^ i;
    return new Kind(buffer, before * size, length);
  });

const arrayBuffer = fc.uint8Array({ maxLength: 16 }).map((b) => b.slice().buffer);

const leaf = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  number,
  text,
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  typedArray,
  arrayBuffer,
);

const objectKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '', '0', '10', '-1'),
  text,
);

/** A plain object built with defineProperty, so "__proto__" becomes an own key, not the prototype. */
function plainObject(entries: Array<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.array(fc.tuple(objectKey, tie('value')), { maxLength: 5 }).map(plainObject),
}));

describe('value codec round trip', () => {
  it('decodes exactly what it encoded, for any storable value', () => {
    fc.assert(
      fc.property(value, (v) => {
        expectSame(decodeValue(encodeValue(v)), v);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps -0, NaN, infinities, large integers and non-integers apart', () => {
    const values = [0, -0, NaN, Infinity, -Infinity, 0.1, -1.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1e300];
    for (const v of values) expect(Object.is(decodeValue(encodeValue(v)), v)).toBe(true);
  });

  it('keeps a "__proto__" key as an own property and leaves the prototype alone', () => {
    const crafted = plainObject([['__proto__', { polluted: true }]]);
    const back = decodeValue(encodeValue(crafted)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: true });
    expect((back as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('writes only the bytes of a view, not the rest of its buffer', () => {
    const buffer = new Float64Array([1, 2, 3, 4, 5]).buffer;
    const view = new Float64Array(buffer, 8, 2);
    const back = decodeValue(encodeValue(view)) as Float64Array;
    expect(back).toBeInstanceOf(Float64Array);
    expect([...back]).toEqual([2, 3]);
    expect(back.byteOffset).toBe(0);
    expect(back.buffer.byteLength).toBe(16);
    // A view that starts on an odd byte of a Uint8Array buffer.
    const odd = new Uint8Array([9, 8, 7, 6, 5]).subarray(1, 4);
    expectSame(decodeValue(encodeValue(odd)), new Uint8Array([8, 7, 6]));
  });

  it('gives an object with a null prototype back as a plain object with the same entries', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, b: 'x' });
    expectSame(decodeValue(encodeValue(bare)), { a: 1, b: 'x' });
  });

  it('replaces a lone surrogate with U+FFFD (TextEncoder), and keeps surrogate pairs', () => {
    expect(decodeValue(encodeValue('a\ud800b'))).toBe('a\ufffdb');
    expect(decodeValue(encodeValue('\udc00'))).toBe('\ufffd');
    expect(decodeValue(encodeValue('\ud83d\ude00'))).toBe('\ud83d\ude00');
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
        (s) => {
          expect(decodeValue(encodeValue(s))).toBe(s.toWellFormed());
        },
      ),
    );
  });
});

describe('values a backup refuses', () => {
  class Candle {
    open = 1;
  }
  const refused: Array<[string, unknown]> = [
    ['a class instance', new Candle()],
    ['a Map', new Map([[1, 2]])],
    ['a Set', new Set([1])],
    ['a RegExp', /x/],
    ['an Error', new Error('x')],
    ['a boxed number', new Number(1)],
    ['a DataView', new DataView(new ArrayBuffer(4))],
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
    ['a class instance inside an array', [1, new Candle()]],
    ['a function inside an object', { a: { b: () => 1 } }],
    ['a symbol inside an object', { s: Symbol.iterator }],
  ];
  it.each(refused)('refuses %s with a CodecError', (_, v) => {
    expect(codecErrorOf(() => encodeValue(v))).toBeInstanceOf(CodecError);
  });

  const nest = (n: number): unknown => {
    let v: unknown = [];
    for (let i = 1; i < n; i++) v = [v];
    return v;
  };

  it('encodes 65 nested arrays and refuses 66, and refuses a cycle', () => {
    expectSame(decodeValue(encodeValue(nest(65))), nest(65));
    expect(codecErrorOf(() => encodeValue(nest(66)))).toBeInstanceOf(CodecError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(codecErrorOf(() => encodeValue(cycle))).toBeInstanceOf(CodecError);
  });

  it('refuses to decode bytes nested deeper than the limit, however deep', () => {
    const nestedBytes = (n: number) => {
      // n arrays of one element each, the innermost empty: tag 7, u32 length.
      const out = new Uint8Array(n * 5);
      for (let i = 0; i < n; i++) out.set([7, i === n - 1 ? 0 : 1, 0, 0, 0], i * 5);
      return out;
    };
    expectSame(decodeValue(nestedBytes(65)), nest(65));
    expect(codecErrorOf(() => decodeValue(nestedBytes(66)))).toBeInstanceOf(CodecError);
    // Far deeper than the stack would allow without the limit.
    expect(codecErrorOf(() => decodeValue(nestedBytes(200_000)))).toBeInstanceOf(CodecError);
  });
});

describe('malformed input', () => {
  /** Decoding either succeeds or fails with a CodecError: no RangeError, TypeError or stack overflow. */
  function decodesOrCodecError(bytes: Uint8Array): void {
    let result: unknown;
    try {
      result = decodeValue(bytes);
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      return;
    }
    // Whatever decodes must encode again (it is a storable value).
    expect(() => encodeValue(result)).not.toThrow();
  }

  it('never throws anything but a CodecError on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), decodesOrCodecError), { numRuns: 3000 });
    // Arbitrary bytes behind every tag, so each branch sees garbage.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 13 }), fc.uint8Array({ maxLength: 40 }), (tag, rest) =>
        decodesOrCodecError(Uint8Array.of(tag, ...rest)),
      ),
      { numRuns: 3000 },
    );
  });

  it('refuses every truncation of a valid encoding with a CodecError', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encodeValue(v);
        for (let n = 0; n < bytes.length; n++) {
          expect(codecErrorOf(() => decodeValue(bytes.subarray(0, n)))).toBeInstanceOf(CodecError);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('refuses stray bytes after a value', () => {
    fc.assert(
      fc.property(value, fc.uint8Array({ minLength: 1, maxLength: 4 }), (v, extra) => {
        const bytes = encodeValue(v);
        const longer = new Uint8Array(bytes.length + extra.length);
        longer.set(bytes);
        longer.set(extra, bytes.length);
        expect(codecErrorOf(() => decodeValue(longer))).toBeInstanceOf(CodecError);
      }),
      { numRuns: 200 },
    );
  });

  it('decodes or refuses a valid encoding with some bytes changed', () => {
    fc.assert(
      fc.property(
        value,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (v, edits) => {
          const bytes = encodeValue(v);
          if (!bytes.length) return;
          for (const [at, x] of edits) bytes[at % bytes.length] = bytes[at % bytes.length]! ^ x;
          decodesOrCodecError(bytes);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses damaged text, big integers, typed arrays and unknown tags', () => {
    const cases: number[][] = [
      [6, 2, 0, 0, 0, 0xc3, 0x28], // invalid UTF-8
      [6, 255, 255, 255, 255], // a length far past the end
      [9, 3, 0, 0, 0, 0x31, 0x2e, 0x35], // bigint "1.5"
      [9, 0, 0, 0, 0], // bigint ""
      [11, 11, 0, 0, 0, 0], // typed array kind 11 does not exist
      [11, 8, 3, 0, 0, 0, 1, 2, 3], // 3 bytes of Float64Array
      [12, 4, 0, 0, 0, 1], // buffer cut short
      [13],
      [255],
    ];
    for (const c of cases)
      expect(codecErrorOf(() => decodeValue(Uint8Array.from(c)))).toBeInstanceOf(CodecError);
  });
});
