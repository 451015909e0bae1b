import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { EngineFailure, engineError } from '../shared/errors.js';
import type { DatabaseFileHeader } from './api.js';

/**
 * The whole-database file: `{"header": …, "checksum": {"algorithm": "SHA-256", "value": hex},
 * "tables": {"<name>": [row, …], …}}`, one row per line. The checksum is taken over a canonical text
 * (the header's JSON, a newline, then the tables as compact JSON), so it does not depend on the file's
 * line breaks or indentation, only on what the file says; export and import build that text the same
 * way, row by row, without holding a second copy of the file.
 */
export const DATABASE_FORMAT = 'lyra-database';
export const DATABASE_FORMAT_VERSION = 1;
export const CHECKSUM_ALGORITHM = 'SHA-256';

const encoder = new TextEncoder();

/** Feeds the canonical text to SHA-256 piece by piece, in the order the file holds it. */
export class CanonicalHash {
  private readonly hash = sha256.create();
  private tablesSeen = 0;
  private rowsInTable = 0;

  constructor(header: DatabaseFileHeader) {
    this.text(JSON.stringify(header) + '\n{');
  }

  beginTable(name: string): void {
    this.text(`${this.tablesSeen++ > 0 ? ',' : ''}${JSON.stringify(name)}:[`);
    this.rowsInTable = 0;
  }

  /** A row as its compact JSON text (JSON.stringify of the row's JSON value). */
  row(json: string): void {
    this.text(this.rowsInTable++ > 0 ? ',' + json : json);
  }

  endTable(): void {
    this.text(']');
  }

  hex(): string {
    this.text('}');
    return bytesToHex(this.hash.digest());
  }

  private text(s: string): void {
    this.hash.update(encoder.encode(s));
  }
}

export function dataFailure(code: string, message: string, retryable = false): EngineFailure {
  return new EngineFailure(engineError(code, message, retryable));
}

export function cancelled(what: string): EngineFailure {
  return dataFailure('data-cancelled', `The ${what} was cancelled: nothing was changed.`);
}

/** Lets the worker read messages (a cancel) between slices of long work. */
export function breathe(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A file name with the local date and time, so several exports sort and do not overwrite each other. */
export function datedFileName(stem: string, at: number, extension: string): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  return `${stem}-${date}-${two(d.getHours())}${two(d.getMinutes())}.${extension}`;
}
