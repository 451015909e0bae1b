// Makes sure a Chromium is available for the end-to-end tests. Playwright cannot download its own
// browsers here, so Lyra uses Debian's `chromium` package: installed automatically when running as root
// with apt, otherwise this prints exactly what to do.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  Boolean,
);

function working(path) {
  if (!existsSync(path)) return null;
  try {
    return execFileSync(path, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

function find() {
  for (const path of candidates) {
    const version = working(path);
    if (version) return { path, version };
  }
  return null;
}

let found = find();
if (!found) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (isRoot && hasApt) {
    console.log("Chromium not found: installing Debian's chromium package (one time, about a minute)…");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install =
      update.status === 0
        ? spawnSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-liberation'], {
            stdio: 'inherit',
            env,
          })
        : update;
    if (install.status !== 0) {
      console.error(
        'Installing chromium with apt-get failed (see above). Install it by hand: apt-get install -y chromium',
      );
      process.exit(1);
    }
    found = find();
  }
  if (!found) {
    console.error(
      [
        'The end-to-end tests need Chromium, and none was found.',
        '  Debian/Ubuntu:  sudo apt-get install -y chromium',
        '  Elsewhere:      install Chromium or Chrome and set CHROMIUM_PATH=/path/to/chromium',
        'Then run npm test again.',
      ].join('\n'),
    );
    process.exit(1);
  }
}
console.log(`Using ${found.version} at ${found.path}`);
