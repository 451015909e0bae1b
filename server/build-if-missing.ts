import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

/** Vite's command-line entry. Its package `exports` hide the file from require.resolve, so find it on disk. */
export function viteBin(): string {
  return fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url));
}

/** `npm start` on a fresh clone has no build yet: make one, so the one command really is enough. */
export function buildIfMissing(staticDir: string, log: Logger): void {
  if (existsSync(join(staticDir, 'index.html'))) return;
  log.info({ staticDir }, 'no build found: building the app once (about a minute on a small machine)');
  const result = spawnSync(process.execPath, [viteBin(), 'build'], {
    stdio: 'inherit',
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  if (result.status !== 0) {
    throw new Error(`The app build failed (vite build exited with ${result.status}); see the output above.`);
  }
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`The build finished but ${staticDir}/index.html is missing: is STATIC_DIR right?`);
  }
}
