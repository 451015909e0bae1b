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
});

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  staticDir: string;
  sandboxSeed: number;
  sandboxHistoryDays: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
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
  };
}
