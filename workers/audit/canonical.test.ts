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

  it('refuses what cannot be stored as plain data', () => {
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/cannot be part of an audit entry/);
    expect(() => canonicalJson(new Map())).toThrow(/plain objects/);
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
