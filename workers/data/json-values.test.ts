import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError, encodeValue } from '../sync/value-codec.js';
import { ENCODED_KEY, fromJsonValue, toJsonValue } from './json-values.js';

/** Through JSON text and back, as a database file carries it. */
const roundTrip = (value: unknown) => fromJsonValue(JSON.parse(JSON.stringify(toJsonValue(value))));

const typed = fc
  .record({
    kind: fc.constantFrom(Uint8Array, Int16Array, Uint32Array, Float32Array, Float64Array, BigInt64Array),
    bytes: fc.uint8Array({ maxLength: 64 }),
    offset: fc.nat({ max: 2 }),
  })
  .map(({ kind, bytes, offset }) => {
    const size = kind.BYTES_PER_ELEMENT;
    const length = Math.floor(bytes.length / size);
    const buffer = new ArrayBuffer((length + offset) * size);
    new Uint8Array(buffer, offset * size).set(bytes.subarray(0, length * size));
    return new kind(buffer, offset * size, length);
  });

const leaf = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.double(),
  fc.constantFrom(-0, NaN, Infinity, -Infinity),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  typed,
  fc.uint8Array({ maxLength: 8 }).map((b) => b.slice().buffer),
);

const key = fc.oneof(fc.constantFrom(ENCODED_KEY, '__proto__', 'constructor', '0', '10', ''), fc.string({ maxLength: 6 }));

function plain(entries: Array<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map(plain),
}));

describe('row values as JSON', () => {
  it('round-trips every value a row can hold, byte for byte in the backup codec', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(encodeValue(roundTrip(v))).toEqual(encodeValue(v));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves plain JSON values as they are, readable', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        // fc.jsonValue may produce -0, which JSON cannot carry: that one is encoded.
        const hasNegZero = JSON.stringify(v, (_k, x: unknown) => (Object.is(x, -0) ? '§negzero§' : x)).includes('§negzero§');
        if (!hasNegZero) expect(toJsonValue(v)).toStrictEqual(v);
      }),
    );
  });

  it('keeps lone surrogates and a crafted "__proto__" key as data', () => {
    const v = JSON.parse('{"__proto__": {"x": 1}, "s": "\\ud800"}') as Record<string, unknown>;
    const back = roundTrip(v) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(back.s).toBe('\ud800');
  });

  it('refuses a marker that is not base64 of a codec value', () => {
    expect(() => fromJsonValue({ [ENCODED_KEY]: 42 })).toThrow(CodecError);
    expect(() => fromJsonValue({ [ENCODED_KEY]: '!!!' })).toThrow(CodecError);
    expect(() => fromJsonValue({ [ENCODED_KEY]: 'AA==' + 'AA==' })).toThrow(CodecError);
  });
});
