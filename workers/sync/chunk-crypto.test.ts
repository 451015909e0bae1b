import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineFailure } from '../shared/errors.js';
import { openChunk, openManifest, sealChunk, sealManifest } from './chunk-crypto.js';
import { openStream, sealStream, type SealedChunk } from './pipeline.js';
import { concatBytes } from './concat-bytes.js';

const newKey = () =>
  crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]) as Promise<CryptoKey>;

let key: CryptoKey;
let otherKey: CryptoKey;
beforeAll(async () => {
  key = await newKey();
  otherKey = await newKey();
});

/** The engine error code a promise rejects with ('resolved' if it does not). */
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof EngineFailure ? e.error.code : `not an EngineFailure: ${String(e)}`;
  }
}

const bytes = (...v: number[]) => Uint8Array.from(v);
const plainArb = fc.uint8Array({ maxLength: 300 }).map((b) => b.slice());

describe('a sealed chunk opens only where it was sealed', () => {
  it('opens with the same key, version, index and last flag', async () => {
    await fc.assert(
      fc.asyncProperty(plainArb, fc.nat({ max: 10_000 }), fc.boolean(), async (plain, index, last) => {
        const sealed = await sealChunk(key, 'version-a', index, last, plain);
        // Only IV + ciphertext + tag: nothing in clear beside them.
        expect(sealed.length).toBe(12 + plain.length + 16);
        expect([...(await openChunk(key, 'version-a', index, last, sealed))]).toEqual([...plain]);
      }),
      { numRuns: 50 },
    );
  });

  it('uses a fresh IV each time: the same chunk sealed twice differs', async () => {
    const plain = new Uint8Array(64);
    const a = await sealChunk(key, 'v', 0, true, plain);
    const b = await sealChunk(key, 'v', 0, true, plain);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('refuses another version, index, last flag, key, a truncation or any flipped bit', async () => {
    const plain = Uint8Array.from({ length: 100 }, (_, i) => i);
    const sealed = await sealChunk(key, 'version-a', 3, false, plain);
    // Thunks: each is opened only when awaited, so no rejection goes unhandled meanwhile.
    const refused: Array<[string, () => Promise<unknown>]> = [
      ['another version', () => openChunk(key, 'version-b', 3, false, sealed)],
      ['a version sharing a prefix', () => openChunk(key, 'version-a/3', 3, false, sealed)],
      ['another index', () => openChunk(key, 'version-a', 4, false, sealed)],
      ['index 0', () => openChunk(key, 'version-a', 0, false, sealed)],
      ['the last flag', () => openChunk(key, 'version-a', 3, true, sealed)],
      ['another key', () => openChunk(otherKey, 'version-a', 3, false, sealed)],
      ['one byte less', () => openChunk(key, 'version-a', 3, false, sealed.subarray(0, sealed.length - 1))],
      ['only the IV and tag', () => openChunk(key, 'version-a', 3, false, sealed.subarray(0, 28))],
      ['shorter than IV and tag', () => openChunk(key, 'version-a', 3, false, sealed.subarray(0, 27))],
      ['nothing', () => openChunk(key, 'version-a', 3, false, new Uint8Array())],
      ['one byte more', () => openChunk(key, 'version-a', 3, false, Uint8Array.from([...sealed, 0]))],
    ];
    for (const [what, p] of refused) expect(await codeOf(p()), what).toBe('backup-tampered');

    // Every single bit, IV, ciphertext and tag alike.
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const flipped = sealed.slice();
      flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
      expect(await codeOf(openChunk(key, 'version-a', 3, false, flipped)), `bit ${bit}`).toBe(
        'backup-tampered',
      );
    }
  });

  it('keeps chunks and manifests apart, and binds a manifest to its version', async () => {
    const plain = bytes(1, 2, 3, 4);
    const manifest = await sealManifest(key, 'version-a', plain);
    expect([...(await openManifest(key, 'version-a', manifest))]).toEqual([1, 2, 3, 4]);
    expect(await codeOf(openManifest(key, 'version-b', manifest))).toBe('backup-tampered');
    expect(await codeOf(openManifest(otherKey, 'version-a', manifest))).toBe('backup-tampered');
    const cut = manifest.subarray(0, manifest.length - 1);
    expect(await codeOf(openManifest(key, 'version-a', cut))).toBe('backup-tampered');
    const flipped = manifest.slice();
    flipped[14] = flipped[14]! ^ 0x80;
    expect(await codeOf(openManifest(key, 'version-a', flipped))).toBe('backup-tampered');
    // A manifest is not a chunk, nor the other way round.
    expect(await codeOf(openChunk(key, 'version-a', 0, true, manifest))).toBe('backup-tampered');
    const chunk = await sealChunk(key, 'version-a', 0, true, plain);
    expect(await codeOf(openManifest(key, 'version-a', chunk))).toBe('backup-tampered');
  });

  it('says what failed in plain words, as an EngineFailure', async () => {
    const sealed = await sealChunk(key, 'v', 0, true, bytes(1));
    const failure = await openChunk(key, 'w', 0, true, sealed).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EngineFailure);
    expect((failure as EngineFailure).error).toMatchObject({ code: 'backup-tampered', retryable: false });
    expect((failure as EngineFailure).error.message).toMatch(/Nothing was changed/);
  });
});

// --- the stream: gzip, cut into chunks, each sealed -------------------------------------------------

async function seal(
  segments: Uint8Array<ArrayBuffer>[],
  chunkBytes: number,
  versionId = 'stream-v',
  signal?: AbortSignal,
  onEmit?: (c: SealedChunk) => void,
): Promise<Uint8Array<ArrayBuffer>[]> {
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  const count = await sealStream(
    segments[Symbol.iterator](),
    key,
    versionId,
    chunkBytes,
    async (c) => {
      expect(c.index).toBe(chunks.length);
      chunks.push(c.bytes);
      onEmit?.(c);
    },
    signal,
  );
  expect(count).toBe(chunks.length);
  return chunks;
}

async function open(
  chunks: Uint8Array[],
  opts: { count?: number; order?: (i: number) => number; versionId?: string; signal?: AbortSignal } = {},
  onChunk?: (i: number) => void,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await openStream(
    async (i) => chunks[opts.order ? opts.order(i) : i]!,
    key,
    opts.versionId ?? 'stream-v',
    opts.count ?? chunks.length,
    (p) => parts.push(p.slice()),
    onChunk,
    opts.signal,
  );
  return concatBytes(parts);
}

/** Segments of mixed compressibility: random bytes, runs and text. */
const segmentArb = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.tuple(fc.nat({ max: 255 }), fc.nat({ max: 5000 })).map(([b, n]) => new Uint8Array(n).fill(b)),
  fc.string({ maxLength: 400 }).map((s) => new TextEncoder().encode(s.repeat(3))),
);
const segmentsArb = fc.array(segmentArb, { maxLength: 6 }).map((s) => s.map((b) => b.slice()));

describe('sealStream / openStream', () => {
  for (const chunkBytes of [64, 1000, 65536]) {
    it(`round-trips any segments in chunks of ${chunkBytes} bytes`, async () => {
      await fc.assert(
        fc.asyncProperty(segmentsArb, async (segments) => {
          const chunks = await seal(segments, chunkBytes);
          expect(chunks.length).toBeGreaterThanOrEqual(1);
          // Every chunk but the last is full; the last holds 1..chunkBytes bytes.
          for (const c of chunks.slice(0, -1)) expect(c.length).toBe(12 + chunkBytes + 16);
          expect(chunks.at(-1)!.length).toBeGreaterThan(28);
          expect(chunks.at(-1)!.length).toBeLessThanOrEqual(12 + chunkBytes + 16);
          expect([...(await open(chunks))]).toEqual([...concatBytes(segments)]);
        }),
        { numRuns: chunkBytes === 64 ? 40 : 20 },
      );
    });
  }

  it('round-trips a stream whose compressed size is an exact multiple of the chunk size', async () => {
    // Incompressible input: find a length whose gzip output fills its last chunk exactly.
    let found = false;
    for (let n = 0; n < 400 && !found; n++) {
      const segment = crypto.getRandomValues(new Uint8Array(n));
      const chunks = await seal([segment], 64);
      if (chunks.at(-1)!.length !== 12 + 64 + 16) continue;
      found = true;
      expect([...(await open(chunks))]).toEqual([...segment]);
      if (chunks.length > 1) {
        expect(await codeOf(open(chunks, { count: chunks.length - 1 }))).toBe('backup-tampered');
      }
    }
    expect(found).toBe(true);
  });

  it('refuses chunks fetched in another order, a missing last chunk, and another version', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 200, maxLength: 2000 }).map((b) => b.slice()),
        fc.nat(),
        async (segment, pick) => {
          const chunks = await seal([segment], 64);
          const n = chunks.length;
          expect(n).toBeGreaterThanOrEqual(2);
          const i = pick % (n - 1);
          const swap = (k: number) => (k === i ? i + 1 : k === i + 1 ? i : k);
          expect(await codeOf(open(chunks, { order: swap }))).toBe('backup-tampered');
          // chunkCount - 1: the chunk now opened as last was sealed as "more".
          expect(await codeOf(open(chunks, { count: n - 1 }))).toBe('backup-tampered');
          // One more than there are: the real last chunk was sealed as "last", not "more".
          expect(await codeOf(open([...chunks, chunks[0]!], { count: n + 1 }))).toBe('backup-tampered');
          expect(await codeOf(open(chunks, { versionId: 'another-v' }))).toBe('backup-tampered');
        },
      ),
      { numRuns: 15 },
    );
  });

  it('refuses a chunk from another version of the same key at the same position', async () => {
    const segment = crypto.getRandomValues(new Uint8Array(500));
    const a = await seal([segment], 64, 'version-a');
    const b = await seal([segment], 64, 'version-b');
    expect(a.length).toBe(b.length);
    const mixed = [...a];
    mixed[1] = b[1]!;
    expect(await codeOf(open(mixed, { versionId: 'version-a' }))).toBe('backup-tampered');
  });

  it('stops with backup-cancelled when the signal is aborted, before or during', async () => {
    const segments = Array.from({ length: 8 }, () => crypto.getRandomValues(new Uint8Array(4000)));
    const before = new AbortController();
    before.abort();
    expect(await codeOf(seal(segments, 64, 'v', before.signal))).toBe('backup-cancelled');

    const total = (await seal(segments, 64)).length;
    const during = new AbortController();
    let emitted = 0;
    const sealing = seal(segments, 64, 'v', during.signal, () => {
      if (++emitted === 3) during.abort();
    });
    expect(await codeOf(sealing)).toBe('backup-cancelled');
    // It stopped part-way (it checks between reads of the compressor), not at the end of the stream.
    expect(emitted).toBeLessThan(total);

    const chunks = await seal(segments, 1000);
    const aborted = new AbortController();
    aborted.abort();
    expect(await codeOf(open(chunks, { signal: aborted.signal }))).toBe('backup-cancelled');

    const mid = new AbortController();
    const seen: number[] = [];
    const opening = open(chunks, { signal: mid.signal }, (i) => {
      seen.push(i);
      if (i === 2) mid.abort();
    });
    expect(await codeOf(opening)).toBe('backup-cancelled');
    expect(seen).toEqual([0, 1, 2]);
  });
});
