// A worker thread starts without its parent's module loaders, so it cannot import TypeScript by itself:
// register tsx here (resolved from this file, so it works from any working directory), then load the
// worker. The same entry serves the CLI (started through tsx), the bench and the tests.
import { register } from 'tsx/esm/api';

register();
await import('./node-pool-worker.ts');
