import { concatBytes } from './concat-bytes.js';
import { CodecError, decodeValue, encodeValue } from './value-codec.js';

/**
 * The plaintext inside a backup (before compression and encryption): a header frame naming the tables,
 * then one frame per changed row ("put") or removed key ("delete"). A frame is op (u8), table (u16),
 * length (u32), then its payload: for a put, the row's key (u32 length + UTF-8 of its JSON) and the row
 * (value-codec bytes); for a delete, the key's UTF-8 JSON. Keys travel as text so a restore can place
 * rows without decoding them.
 */
export const enum Op {
  Header = 0,
  Put = 1,
  Delete = 2,
}

export interface BackupHeader {
  format: 1;
  tables: string[];
}

export interface Frame {
  op: Op;
  table: number;
  payload: Uint8Array;
}

const FRAME_HEAD = 7;

export function frameHead(op: Op, table: number, length: number): Uint8Array<ArrayBuffer> {
  const head = new Uint8Array(FRAME_HEAD);
  const view = new DataView(head.buffer);
  view.setUint8(0, op);
  view.setUint16(1, table, true);
  view.setUint32(3, length, true);
  return head;
}

export function headerFrame(header: BackupHeader): Uint8Array<ArrayBuffer> {
  const payload = encodeValue(header);
  const out = new Uint8Array(FRAME_HEAD + payload.length);
  out.set(frameHead(Op.Header, 0, payload.length));
  out.set(payload, FRAME_HEAD);
  return out;
}

/** Splits a byte stream into frames, whatever the boundaries of the pieces it arrives in. */
export class FrameParser {
  private pending: Uint8Array = new Uint8Array(0);

  *push(bytes: Uint8Array): Generator<Frame> {
    let buf = this.pending.length ? concatBytes([this.pending, bytes]) : bytes;
    let at = 0;
    while (buf.length - at >= FRAME_HEAD) {
      const view = new DataView(buf.buffer, buf.byteOffset + at, FRAME_HEAD);
      const op = view.getUint8(0);
      const table = view.getUint16(1, true);
      const length = view.getUint32(3, true);
      if (op > Op.Delete) throw new CodecError(`Unknown backup record type ${op}.`);
      if (buf.length - at - FRAME_HEAD < length) break;
      yield { op, table, payload: buf.subarray(at + FRAME_HEAD, at + FRAME_HEAD + length) };
      at += FRAME_HEAD + length;
    }
    // Keep only the unread tail (copied, so the caller may reuse its buffer).
    buf = buf.subarray(at);
    this.pending = buf.slice();
  }

  end(): void {
    if (this.pending.length) throw new CodecError('The backup ends in the middle of a record.');
  }
}

export function readHeader(frame: Frame): BackupHeader {
  if (frame.op !== Op.Header) throw new CodecError('The backup does not start with its header.');
  const header = decodeValue(frame.payload) as Partial<BackupHeader> | null;
  if (
    !header ||
    header.format !== 1 ||
    !Array.isArray(header.tables) ||
    !header.tables.every((t) => typeof t === 'string')
  ) {
    throw new CodecError('The backup header is not one this version of Lyra can read.');
  }
  return header as BackupHeader;
}

/**
 * A fast 53-bit hash of a row's bytes, to notice which rows changed since the last backup without
 * keeping the rows. Two independent 32-bit multiply-xor lanes, finished with an avalanche step.
 */
export function rowHash(bytes: Uint8Array): number {
  let a = 0x9e3779b9 ^ bytes.length;
  let b = 0x85ebca6b;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul((b ^ c) + i, 0x5bd1e995);
  }
  a ^= a >>> 15;
  a = Math.imul(a, 0x2c1b3c6d) ^ (b >>> 13);
  b ^= b >>> 16;
  b = Math.imul(b, 0x297a2d39) ^ (a >>> 11);
  return (b & 0x1fffff) * 0x100000000 + (a >>> 0);
}
