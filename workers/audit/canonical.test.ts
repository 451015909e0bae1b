import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.js';
import { entryHash, GENESIS_HASH } from './audit-chain.js';
import { auditEntry } from './test-support.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined properties and prints numbers as JavaScript does', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: true }, u: undefined })).toBe(
      '{"a":{"c":true,"d":[1,"x",null]},"b":1}',
    );
    expect(canonicalJson({ n: 0.1 + 0.2, big: 1e21, neg: -0, nan: Number.NaN })).toBe(
      '{"big":1e+21,"n":0.30000000000000004,"nan":NaN,"neg":0}',
    );
  });

  it('gives values that are not plain data a tagged text instead of throwing', () => {
    expect(canonicalJson({ n: 12345678901234567890n })).toBe('{"n":#bigint(12345678901234567890)}');
    expect(
      canonicalJson(
        new Map<unknown, unknown>([
          ['b', 1],
          [2, new Set([1n])],
        ]),
      ),
    ).toBe('#Map[["b",1],[2,#Set[#bigint(1)]]]');
    expect(canonicalJson(Uint8Array.from([0, 255]))).toBe('#Uint8Array(00ff)');
    expect(canonicalJson(new Float64Array([1]).buffer)).toBe('#ArrayBuffer(000000000000f03f)');
    expect(canonicalJson(/a.b/gi)).toBe('#RegExp("a.b","gi")');
    expect(canonicalJson(new RangeError('too far'))).toBe('#Error("RangeError","too far")');
    expect(canonicalJson({ f: () => 1 })).toBe('{"f":#function}');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { up: cyclic };
    expect(canonicalJson(cyclic)).toBe('{"a":1,"self":{"up":#cycle(2)}}');
  });

  it('hashes a class instance as the plain object structured cloning stores', () => {
    class Fill {
      constructor(
        readonly price: string,
        readonly qty: string,
      ) {}
    }
    const fill = new Fill('100', '2');
    expect(canonicalJson(fill)).toBe(canonicalJson(structuredClone(fill)));
    expect(canonicalJson(fill)).toBe('{"price":"100","qty":"2"}');
  });

  it('never gives two different values the same text (tags cannot collide with plain data)', () => {
    expect(canonicalJson(1n)).not.toBe(canonicalJson('1'));
    expect(canonicalJson(1n)).not.toBe(canonicalJson(1));
    expect(canonicalJson(new Map([['a', 1]]))).not.toBe(canonicalJson([['a', 1]]));
    expect(canonicalJson(new Set([1]))).not.toBe(canonicalJson([1]));
    expect(canonicalJson('#bigint(1)')).not.toBe(canonicalJson(1n));
  });

  it('is the same text for a value and its structured clone (property)', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withDate: true,
          withNullPrototype: true,
          withObjectString: true,
          withBoxedValues: true,
        }),
        (v) => {
          expect(canonicalJson(structuredClone(v))).toBe(canonicalJson(v));
        },
      ),
    );
  });

  it('is the same text whatever order the keys were written in (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null))),
        (d) => {
          const reversed = Object.fromEntries(Object.entries(d).reverse());
          expect(canonicalJson(reversed)).toBe(canonicalJson(d));
        },
      ),
    );
  });
});

describe('entryHash', () => {
  it('depends on the previous hash and on every field but seq and the hashes', () => {
    const e = auditEntry({ details: { a: 1 } });
    const h = entryHash(GENESIS_HASH, e);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash(GENESIS_HASH, { ...e, seq: 9, hash: 'x', prevHash: 'y' })).toBe(h);
    expect(entryHash('1'.repeat(64), e)).not.toBe(h);
    for (const changed of [
      { ...e, time: e.time + 1 },
      { ...e, accountId: 'paper:kraken' },
      { ...e, orderId: 'o1' },
      { ...e, rule: 'x' },
      { ...e, details: { a: 2 } },
      { ...e, details: { a: '1' } },
    ])
      expect(entryHash(GENESIS_HASH, changed)).not.toBe(h);
  });

  it('matches SHA-256 of the previous hash, a line break and the canonical text', async () => {
    const e = auditEntry();
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256')
      .update(`${GENESIS_HASH}\n${canonicalJson({ ...e })}`)
      .digest('hex');
    expect(entryHash(GENESIS_HASH, e)).toBe(expected);
  });
});
