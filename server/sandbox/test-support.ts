/**
 * Helpers shared by the sandbox tests (not imported by production code).
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import pino, { type Logger } from 'pino';
import type { Sandbox } from './index.js';

export const silentLog: Logger = pino({ level: 'silent' });

/** A settable clock for deterministic tests. */
export class ManualClock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
}

export interface RunningServer {
  port: number;
  httpUrl: string;
  wsUrl: string;
  close(): Promise<void>;
}

/** Serves a sandbox the way the product server does: Hono routes plus the upgrade hook. */
export async function startServer(sandbox: Sandbox): Promise<RunningServer> {
  const app = new Hono();
  app.route('/', sandbox.routes);
  const server: ServerType = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  server.on('upgrade', (req, socket, head) => {
    if (!sandbox.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` until it returns a value or the timeout passes. */
export async function waitFor<T>(
  check: () => T | undefined,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
