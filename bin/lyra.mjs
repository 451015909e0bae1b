#!/usr/bin/env node
// Lyra's command line. The engine is TypeScript; tsx compiles it on the fly so `npx lyra` runs the same
// source as the app and the tests, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
