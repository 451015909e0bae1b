import { resolve } from 'node:path';
import { z } from 'zod';

// Every setting comes from the environment so the same build runs on a laptop, in CI and in a container.
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('localhost'),
  DATA_DIR: z.string().min(1).default('./data'),
  STATIC_DIR: z.string().min(1).default('./build'),
  SANDBOX_SEED: z.coerce.number().int().min(0).max(0xffffffff).default(42),
  SANDBOX_HISTORY_DAYS: z.coerce.number().int().min(1).max(60).default(7),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// connection URL')
    .optional(),
  RP_ID: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, 'must be a host name without scheme or port, e.g. lyra.example.com')
    .optional(),
  ORIGIN: z.string().optional(),
  RP_NAME: z.string().min(1).max(64).default('Lyra'),
  SESSION_IDLE_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 90)
    .default(24 * 7),
  SESSION_MAX_DAYS: z.coerce.number().min(0.01).max(365).default(30),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  // The relay reaches the API hosts ccxt lists for these exchanges, plus any extra host names.
  RELAY_EXCHANGES: z
    .string()
    .regex(/^[a-z0-9]+(,[a-z0-9]+)*$/, 'must be ccxt exchange ids separated by commas, e.g. binance')
    .default('binance'),
  RELAY_EXTRA_HOSTS: z.string().default(''),
  SANDBOX_ACCOUNTS_FILE: z.string().min(1).optional(),
  // Set behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto (which we then believe).
  TRUST_PROXY: z
    .enum(['0', '1'], 'must be 1 (behind a reverse proxy that sets X-Forwarded-Proto) or 0')
    .default('0'),
  // Encrypted backups: a quota per user, the largest chunk one request may carry, and how long to keep
  // every version, then one a day, then one a week.
  BACKUP_QUOTA_MB: z.coerce.number().int().min(1).max(10_000_000).default(1024),
  BACKUP_MAX_CHUNK_MB: z.coerce.number().int().min(1).max(16).default(4),
  BACKUP_KEEP_ALL_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
  BACKUP_KEEP_DAILY_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  BACKUP_KEEP_WEEKLY_DAYS: z.coerce.number().int().min(0).max(36500).default(365),
});

export interface AuthConfig {
  /** The WebAuthn relying party id: the site's host name, which every passkey is bound to. */
  rpId: string;
  rpName: string;
  /** Origins allowed to run ceremonies and change account state (exact scheme://host[:port]). */
  origins: string[];
  sessionIdleMs: number;
  sessionMaxMs: number;
  rateLimitPerMinute: number;
}

export interface RelayConfig {
  exchanges: string[];
  extraHosts: string[];
}

export interface BackupConfig {
  /** Bytes one user may store, uploads in progress included. */
  quotaBytes: number;
  maxChunkBytes: number;
  keepAllDays: number;
  keepDailyDays: number;
  keepWeeklyDays: number;
}

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  staticDir: string;
  sandboxSeed: number;
  sandboxHistoryDays: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** Set: a PostgreSQL server; unset: embedded PGlite under dataDir. Holds a password: never log it. */
  databaseUrl?: string;
  auth: AuthConfig;
  relay: RelayConfig;
  sandboxAccountsFile: string;
  /** Believe X-Forwarded-Proto: only behind a proxy that sets it (anyone else could send it). */
  trustProxy: boolean;
  backups: BackupConfig;
}

const wildcardHosts = new Set(['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost']);

function authConfig(e: z.infer<typeof schema>): AuthConfig {
  // Passkeys need a host name; a bind address such as 0.0.0.0 is reached as localhost in development.
  const rpId = (e.RP_ID ?? (wildcardHosts.has(e.HOST) ? 'localhost' : e.HOST)).toLowerCase();
  const origins = (e.ORIGIN ?? `http://${rpId}:${e.PORT}`)
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => {
      let url: URL;
      try {
        url = new URL(o);
      } catch {
        throw new ConfigError(
          `Invalid environment: ORIGIN: "${o}" is not a URL like https://lyra.example.com`,
        );
      }
      if (url.pathname !== '/' || url.search || url.hash || url.username) {
        throw new ConfigError(
          `Invalid environment: ORIGIN: "${o}" must be only scheme://host[:port], no path`,
        );
      }
      // url.origin is what browsers send: lower-case, default ports dropped.
      const host = url.hostname;
      if (host !== rpId && !host.endsWith(`.${rpId}`)) {
        throw new ConfigError(
          `Invalid environment: ORIGIN: "${o}" is not on RP_ID "${rpId}"; set RP_ID to its host name (or a parent domain)`,
        );
      }
      return url.origin;
    });
  if (origins.length === 0) throw new ConfigError('Invalid environment: ORIGIN: list at least one origin');
  return {
    rpId,
    rpName: e.RP_NAME,
    origins,
    sessionIdleMs: Math.round(e.SESSION_IDLE_HOURS * 3_600_000),
    sessionMaxMs: Math.round(e.SESSION_MAX_DAYS * 86_400_000),
    rateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
  };
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined>): ServerConfig {
  // Empty variables mean "not set", as shells and CI files often export them blank.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid environment: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    staticDir: resolve(e.STATIC_DIR),
    sandboxSeed: e.SANDBOX_SEED,
    sandboxHistoryDays: e.SANDBOX_HISTORY_DAYS,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    auth: authConfig(e),
    relay: {
      exchanges: e.RELAY_EXCHANGES.split(','),
      extraHosts: e.RELAY_EXTRA_HOSTS.split(',')
        .map((h) => h.trim())
        .filter(Boolean),
    },
    // Sandbox API keys and balances outlive a restart (the sandbox is an exchange: it knows its keys).
    sandboxAccountsFile: resolve(e.SANDBOX_ACCOUNTS_FILE ?? `${e.DATA_DIR}/sandbox-accounts.json`),
    trustProxy: e.TRUST_PROXY === '1',
    backups: {
      quotaBytes: e.BACKUP_QUOTA_MB * 1024 * 1024,
      maxChunkBytes: e.BACKUP_MAX_CHUNK_MB * 1024 * 1024,
      keepAllDays: e.BACKUP_KEEP_ALL_DAYS,
      keepDailyDays: e.BACKUP_KEEP_DAILY_DAYS,
      keepWeeklyDays: e.BACKUP_KEEP_WEEKLY_DAYS,
    },
  };
}
