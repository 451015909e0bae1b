#!/usr/bin/env node
// Lyra's command line. The engine is TypeScript; tsx compiles it on the fly so `npx lyra` runs the same
// source as the app and the tests, with no build step.
import { register } from 'tsx/esm/api';

register();
// `lyra backtest --json | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
