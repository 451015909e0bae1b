/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { comlinkPoolWorker } from './research/service/comlink-pool-worker.js';
import { researchWorkerApi } from './research/service/research-edge.js';
import { ResearchService } from './research/service/research-service.js';
import { LyraDb } from './store/db.js';

// The research worker, started by the page on first use (src/lib/engine/engine.ts). Comlink lives at
// the edges: here, in research/service/research-edge.ts and in the pool's adapter.
const scope = self as unknown as DedicatedWorkerGlobalScope;

const service = new ResearchService({
  db: new LyraDb(),
  // Nested dedicated workers: the pool's workers are this worker's children, so they end with it.
  poolWorker: () =>
    comlinkPoolWorker(
      new Worker(new URL('./research-pool.worker.ts', import.meta.url), {
        type: 'module',
        name: 'lyra-research-pool',
      }),
    ),
  cores: scope.navigator.hardwareConcurrency || 1,
  now: () => Date.now(),
  id: () => crypto.randomUUID(),
});

Comlink.expose(researchWorkerApi(service));
