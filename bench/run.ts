import os from 'node:os';
import { benchBookUpdates } from './book-updates.js';

// Prints one JSON document: every figure is a ratio against a peer measured in the same run.
const quick = process.argv.includes('--quick');
const book = {
  updates: quick ? 100_000 : 1_000_000,
  levels: 1000,
  deleteShare: 0.05,
  rounds: quick ? 3 : 7,
  seed: 7,
};
const results = [
  benchBookUpdates({ ...book, readEvery: 0 }),
  // The same stream with a reader, as the UI and the paper matcher read the top of the book.
  benchBookUpdates({ ...book, readEvery: 100 }),
];
const report = {
  when: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  results,
};
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
