// Makes sure a PostgreSQL server is available for the server tests, and starts throwaway clusters for them.
// Lyra uses Debian's `postgresql` package: installed automatically when running as root with apt,
// otherwise this prints exactly what to do. With DATABASE_URL set, that server is used and nothing starts.
//
//   node scripts/ensure-postgres.mjs     checks (and installs) PostgreSQL, prints its version
//   startPostgres()                      a fresh cluster on 127.0.0.1: { url, stop() }
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const tools = ['initdb', 'postgres'];
const dirPrefix = 'lyra-pg-';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** A deadline that does not keep the process alive by itself. */
const deadline = (ms) => new Promise((r) => setTimeout(r, ms).unref());

function versionOf(bin) {
  try {
    return execFileSync(join(bin, 'postgres'), ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/** The directory holding initdb and postgres, newest Debian version first, then PATH; null if none. */
export function findPostgres() {
  const dirs = [];
  if (process.env.POSTGRES_BIN) dirs.push(process.env.POSTGRES_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) dirs.push(join(debian, v, 'bin'));
  }
  for (const p of (process.env.PATH ?? '').split(':').filter(Boolean)) dirs.push(p);
  for (const bin of dirs) {
    if (!tools.every((t) => existsSync(join(bin, t)))) continue;
    const version = versionOf(bin);
    if (version) return { bin, version };
  }
  return null;
}

/** Finds PostgreSQL, installing Debian's package when root with apt; throws with what to do otherwise. */
export function ensurePostgres() {
  let found = findPostgres();
  if (found) return found;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (isRoot && hasApt) {
    console.log("PostgreSQL not found: installing Debian's postgresql package (one time, about a minute)…");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install =
      update.status === 0
        ? spawnSync('apt-get', ['install', '-y', '-qq', 'postgresql'], { stdio: 'inherit', env })
        : update;
    if (install.status !== 0) {
      throw new Error(
        'Installing postgresql with apt-get failed (see above). Install it by hand: apt-get install -y postgresql',
      );
    }
    found = findPostgres();
  }
  if (!found) {
    throw new Error(
      [
        'The server tests also run on a real PostgreSQL, and none was found.',
        '  Debian/Ubuntu:  sudo apt-get install -y postgresql',
        '  Elsewhere:      install PostgreSQL (its initdb and postgres programs on PATH, or POSTGRES_BIN=/their/dir),',
        '                  or point the tests at a server: DATABASE_URL=postgres://user:pass@host/db',
        '  Or run only the PGlite tests: npx vitest run --project unit',
      ].join('\n'),
    );
  }
  return found;
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to (and runs as) this user. */
function clusterUser() {
  const has = (name) => spawnSync('id', ['-u', name], { stdio: 'ignore' }).status === 0;
  if (has('postgres')) return 'postgres';
  if (has('nobody')) return 'nobody';
  throw new Error('Running as root, but there is no "postgres" user to run PostgreSQL as: useradd postgres');
}

/** argv that runs `command args…` as the cluster's user (directly when not root). */
function asUser(user, command, args) {
  return user ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
}

function run(user, command, args) {
  const [cmd, argv] = asUser(user, command, args);
  const result = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`,
    );
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function readPid(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Clusters left behind by a run that was killed outright (its watchdog killed too): fast-shuts their
 * postmaster if it is still running and removes the directory once it is gone.
 */
async function sweepStale(root) {
  let names;
  try {
    names = readdirSync(root).filter((n) => n.startsWith(dirPrefix));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(root, name);
    const owner = readPid(join(dir, 'owner.pid'));
    if (owner === null || alive(owner)) continue;
    const postmaster = readPid(join(dir, 'data', 'postmaster.pid'));
    if (postmaster !== null && alive(postmaster)) {
      // Only a postgres serving exactly this directory (the pid may have been reused since).
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${postmaster}/cmdline`, 'utf8');
      } catch {
        // not Linux, or gone
      }
      if (!cmdline.includes('postgres') || !cmdline.includes(dir)) continue;
      try {
        process.kill(postmaster, 'SIGINT');
      } catch {
        // already gone
      }
      for (let i = 0; i < 100 && alive(postmaster); i++) await sleep(50);
      if (alive(postmaster)) continue; // still shutting down: the next run removes it
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Runs postgres and waits for its standard input to close: when stop() closes it, or when the test run
// ends in any way (even killed outright), the cluster is shut down fast and its directory removed.
const watchdog = `
"$PG_BIN/postgres" -D "$PG_DIR/data" -p "$PG_PORT" -c listen_addresses=127.0.0.1 \\
  -c unix_socket_directories="$PG_DIR/sock" -c fsync=off -c synchronous_commit=off \\
  -c full_page_writes=off -c shared_buffers=32MB -c max_connections=200 -c autovacuum=off \\
  -c log_min_messages=warning >"$PG_DIR/postgres.log" 2>&1 &
pid=$!
echo "$pid" >"$PG_DIR/postmaster.watch"
cat >/dev/null
kill -INT "$pid" 2>/dev/null
i=0
while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i+1)); done
kill -QUIT "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rm -rf "$PG_DIR"
`;

function logTail(dir) {
  try {
    return readFileSync(join(dir, 'postgres.log'), 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts a throwaway PostgreSQL cluster: a fresh directory under the temp dir, 127.0.0.1 on a free port,
 * trust authentication, durability off. Resolves once it accepts connections and holds `database`.
 * `stop()` shuts it down and removes the directory; so does the end of this process, however it ends.
 */
export async function startPostgres({ database = 'lyra', log = () => {} } = {}) {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`Bad database name "${database}"`);
  const found = ensurePostgres();
  const started = Date.now();
  // As root the cluster's user must reach the directory: /tmp is open to all, a private TMPDIR may not be.
  const root = isRoot && existsSync('/tmp') ? '/tmp' : tmpdir();
  await sweepStale(root);
  for (let attempt = 1; ; attempt++) {
    const result = await startOnce(found, root, database);
    if ('url' in result) {
      log(`${found.version} on ${result.url}, ready in ${Date.now() - started} ms`);
      return result;
    }
    // Most likely the port was taken between choosing and binding it: try again on another.
    if (attempt >= 3 || !/could not (bind|create)|in use/i.test(result.log)) {
      throw new Error(`PostgreSQL did not start:\n${result.log}`);
    }
  }
}

async function startOnce({ bin, version }, root, database) {
  const dir = mkdtempSync(join(root, dirPrefix));
  let child;
  try {
    writeFileSync(join(dir, 'owner.pid'), `${process.pid}\n`);
    mkdirSync(join(dir, 'sock'));
    const user = isRoot ? clusterUser() : null;
    if (user) {
      const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
      for (const p of [dir, join(dir, 'sock'), join(dir, 'owner.pid')]) chownSync(p, uid, gid);
    }
    run(user, join(bin, 'initdb'), [
      '-D',
      join(dir, 'data'),
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    const port = await freePort();
    const [cmd, argv] = asUser(user, '/bin/sh', ['-c', watchdog]);
    child = spawn(cmd, argv, {
      // Its own process group: a signal to the test run's group must not skip the cleanup.
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: { ...process.env, PG_BIN: bin, PG_DIR: dir, PG_PORT: String(port) },
    });
    child.stdin.on('error', () => {});
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let gone = false;
    void exited.then(() => (gone = true));
    const postmasterGone = () => {
      const pid = readPid(join(dir, 'postmaster.watch'));
      return gone || (pid !== null && !alive(pid));
    };
    const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
    for (let i = 0; i < 600; i++) {
      if (postmasterGone()) break;
      const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 2000 });
      client.on('error', () => {});
      try {
        await client.connect();
      } catch {
        await sleep(50);
        continue;
      }
      try {
        await client.query(`CREATE DATABASE ${database}`);
      } finally {
        await client.end().catch(() => {});
      }
      child.unref();
      child.stdin.unref?.();
      let stopping;
      const stop = () => {
        stopping ??= (async () => {
          child.ref();
          child.stdin.end();
          await Promise.race([exited, deadline(15_000)]);
          rmSync(dir, { recursive: true, force: true });
        })();
        return stopping;
      };
      return { url: `postgres://postgres@127.0.0.1:${port}/${database}`, version, stop };
    }
    const tail = logTail(dir);
    child.stdin.end();
    await Promise.race([exited, deadline(5000)]);
    rmSync(dir, { recursive: true, force: true });
    return { log: tail };
  } catch (e) {
    child?.stdin.end();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.env.DATABASE_URL) {
    console.log('DATABASE_URL is set: the server tests use that PostgreSQL server.');
  } else {
    try {
      const { version, bin } = ensurePostgres();
      console.log(`Using ${version} from ${bin}`);
    } catch (e) {
      console.error(e.message);
      process.exit(1);
    }
  }
}
