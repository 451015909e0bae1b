import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { main } from './main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The repository root, where `npx lyra` runs from. */
export const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/** Runs the real bin, as `npx lyra` does, from the repo root. */
export async function lyra(...args: string[]): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', ['bin/lyra.mjs', ...args], {
      cwd: repoRoot,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Runs `lyra` in this process, capturing what it writes. */
export async function lyraInProcess(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}
