import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameParser, Op, frameHead, headerFrame, readHeader, rowHash, type Frame } from './backup-format.js';
import { CodecError, encodeValue } from './value-codec.js';
import { concatBytes } from './concat-bytes.js';

interface PlainFrame {
  op: number;
  table: number;
  payload: number[];
}

const frameArb = fc.record({
  op: fc.constantFrom(Op.Put, Op.Delete),
  table: fc.integer({ min: 0, max: 0xffff }),
  payload: fc.array(fc.nat({ max: 255 }), { maxLength: 40 }),
});

function encodeFrames(frames: PlainFrame[]): Uint8Array {
  const parts = [headerFrame({ format: 1, tables: ['a', 'b'] })];
  for (const f of frames) {
    const bytes = new Uint8Array(7 + f.payload.length);
    bytes.set(frameHead(f.op, f.table, f.payload.length));
    bytes.set(f.payload, 7);
    parts.push(bytes);
  }
  return concatBytes(parts);
}

/** Feeds `bytes` in pieces cut at `cuts`, reusing one scratch buffer per piece as a network reader would. */
function parseInPieces(bytes: Uint8Array, cuts: number[]): PlainFrame[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const bounds = [0, ...points, bytes.length];
  const parser = new FrameParser();
  const out: PlainFrame[] = [];
  const collect = (f: Frame) => out.push({ op: f.op, table: f.table, payload: [...f.payload] });
  for (let i = 0; i + 1 < bounds.length; i++) {
    for (const f of parser.push(bytes.slice(bounds[i], bounds[i + 1]))) collect(f);
  }
  parser.end();
  return out;
}

describe('FrameParser', () => {
  it('yields the same frames however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (frames, cuts) => {
          const bytes = encodeFrames(frames);
          const whole = parseInPieces(bytes, []);
          const split = parseInPieces(bytes, cuts);
          expect(split).toEqual(whole);
          expect(whole).toHaveLength(frames.length + 1);
          expect(whole[0]!.op).toBe(Op.Header);
          expect(whole.slice(1)).toEqual(frames);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('also byte by byte', () => {
    const frames: PlainFrame[] = [
      { op: Op.Put, table: 3, payload: [1, 2, 3] },
      { op: Op.Delete, table: 0, payload: [] },
      { op: Op.Put, table: 0xffff, payload: Array.from({ length: 300 }, (_, i) => i & 255) },
    ];
    const bytes = encodeFrames(frames);
    expect(
      parseInPieces(
        bytes,
        Array.from({ length: bytes.length }, (_, i) => i),
      ).slice(1),
    ).toEqual(frames);
  });

  it('end() refuses a stream cut in the middle of a frame', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 10 }), fc.nat(), (frames, cut) => {
        const bytes = encodeFrames(frames);
        const last = 7 + frames.at(-1)!.payload.length;
        // Cut 1..last-1 bytes off: the last frame is incomplete (head or payload).
        const drop = 1 + (cut % (last - 1));
        const parser = new FrameParser();
        const got = [...parser.push(bytes.subarray(0, bytes.length - drop))];
        expect(got).toHaveLength(frames.length); // header + all but the last
        expect(() => parser.end()).toThrow(CodecError);
      }),
      { numRuns: 300 },
    );
  });

  it('end() accepts a stream that stops on a frame boundary, and an empty one', () => {
    const parser = new FrameParser();
    expect([...parser.push(encodeFrames([]))]).toHaveLength(1);
    expect(() => parser.end()).not.toThrow();
    expect(() => new FrameParser().end()).not.toThrow();
  });

  it('refuses an unknown record type', () => {
    for (const op of [3, 4, 127, 255]) {
      const bytes = Uint8Array.from([...encodeFrames([]), op, 0, 0, 0, 0, 0, 0]);
      const parser = new FrameParser();
      expect(() => [...parser.push(bytes)]).toThrow(CodecError);
    }
  });

  it('readHeader refuses a non-header first frame and a header of another format', () => {
    const put: Frame = { op: Op.Put, table: 0, payload: new Uint8Array() };
    expect(() => readHeader(put)).toThrow(CodecError);
    const bad = (v: unknown): Frame => ({ op: Op.Header, table: 0, payload: encodeValue(v) });
    expect(() => readHeader(bad({ format: 2, tables: [] }))).toThrow(CodecError);
    expect(() => readHeader(bad({ format: 1, tables: [1] }))).toThrow(CodecError);
    expect(() => readHeader(bad(null))).toThrow(CodecError);
    expect(readHeader(bad({ format: 1, tables: ['x'] }))).toEqual({ format: 1, tables: ['x'] });
  });
});

describe('rowHash', () => {
  it('is a safe integer (it is kept in a Float64Array)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const h = rowHash(b);
        expect(Number.isSafeInteger(h) && h >= 0).toBe(true);
      }),
    );
  });

  it('changes with any small edit: a changed byte, an added or removed byte, two bytes swapped', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 2, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (b, at, x) => {
          const i = at % b.length;
          const h = rowHash(b);
          const changed = b.slice();
          changed[i] = changed[i]! ^ x;
          expect(rowHash(changed)).not.toBe(h);
          expect(rowHash(Uint8Array.from([...b, 0]))).not.toBe(h);
          expect(rowHash(b.subarray(0, b.length - 1))).not.toBe(h);
          const j = (i + 1) % b.length;
          if (b[i] !== b[j]) {
            const swapped = b.slice();
            [swapped[i], swapped[j]] = [b[j]!, b[i]!];
            expect(rowHash(swapped)).not.toBe(h);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('has no collisions among 10,000 near-identical rows, nor among 10,000 random ones', () => {
    const hashes = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      hashes.add(
        rowHash(
          encodeValue({
            id: `ord${String(i).padStart(5, '0')}`,
            accountId: 'paper:binance',
            price: `${100 + (i % 7)}.25`,
            updatedAt: 1_767_225_600_000 + (i % 13),
          }),
        ),
      );
    }
    expect(hashes.size).toBe(10_000);

    const rows = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 64 }), { numRuns: 10_000, seed: 42 });
    const distinct = new Map<string, Uint8Array>();
    for (const r of rows) distinct.set(r.join(','), r);
    const random = new Set([...distinct.values()].map(rowHash));
    expect(random.size).toBe(distinct.size);

    // The same value in every position of a long row (a Float64Array column) must still move the hash.
    const column = new Float64Array(1000);
    const seen = new Set<number>();
    for (let i = 0; i < column.length; i++) {
      column.fill(0);
      column[i] = 1;
      seen.add(rowHash(new Uint8Array(column.buffer)));
    }
    expect(seen.size).toBe(column.length);
  });
});
