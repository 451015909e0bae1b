import { readFile } from 'node:fs/promises';
import { UsageError } from './io.js';

/** A file's text, or a UsageError that says why it cannot be read; `kind` names what the file should be. */
export async function readText(file: string, kind: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`no such file: ${file}`);
    if (code === 'EISDIR') throw new UsageError(`${file} is a directory, not ${kind}`);
    throw new UsageError(`cannot read ${file}: ${code ?? (e as Error).message}`);
  }
}
