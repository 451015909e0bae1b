/**
 * Vitest global setup of the "postgres" project: the PostgreSQL server its tests use, handed to them as
 * `inject('databaseUrl')` (see server/db/test-support.ts). DATABASE_URL set: that server, nothing started.
 * Otherwise a throwaway cluster for this run, stopped (and its directory removed) when the run ends.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './ensure-postgres.mjs';
import type {} from '../server/db/test-support.js'; // declares inject('databaseUrl')

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const external = process.env.DATABASE_URL;
  if (external) {
    project.provide('databaseUrl', external);
    return;
  }
  const cluster = (await startPostgres({
    log: (line: string) => console.log(`[postgres] ${line}`),
  })) as { url: string; stop: () => Promise<void> };
  project.provide('databaseUrl', cluster.url);
  return () => cluster.stop();
}
