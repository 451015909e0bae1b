import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Logger } from 'pino';

/** `npm start` on a fresh clone has no build yet: make one, so the one command really is enough. */
export function buildIfMissing(staticDir: string, log: Logger): void {
  if (existsSync(join(staticDir, 'index.html'))) return;
  log.info({ staticDir }, 'no build found: building the app once (about a minute on a small machine)');
  const viteBin = createRequire(import.meta.url).resolve('vite/bin/vite.js');
  const result = spawnSync(process.execPath, [viteBin, 'build'], { stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`The app build failed (vite build exited with ${result.status}); see the output above.`);
  }
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`The build finished but ${staticDir}/index.html is missing: is STATIC_DIR right?`);
  }
}
