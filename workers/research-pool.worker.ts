/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { runTask } from './research/pool/tasks.js';
import { poolEndpoint } from './research/service/pool-endpoint.js';

// A research pool worker, started by the research worker (workers/research.worker.ts), which talks to
// it through workers/research/service/comlink-pool-worker.ts.
Comlink.expose(poolEndpoint(runTask, () => performance.now()));
