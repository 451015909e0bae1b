/**
 * Test support for the live path (not imported by production code): the product server's parts that
 * live trading uses, the sandbox and the relay, on one port as `npm start` serves them.
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { createRelay, createRelayAllowlist } from '../../../server/relay/index.js';
import { relayTestLimiter } from '../../../server/relay/relay-test-support.js';
import type { Sandbox } from '../../../server/sandbox/index.js';
import { silentLog } from '../../../server/sandbox/test-support.js';

export interface Harness {
  url: string;
  relayed: number;
  close(): Promise<void>;
}

export async function startProduct(sandbox: Sandbox): Promise<Harness> {
  const rateLimiter = await relayTestLimiter();
  const app = new Hono();
  const server: ServerType = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  server.on('upgrade', (req, socket, head) => {
    if (!sandbox.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const harness: Harness = {
    url,
    relayed: 0,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  // Routes go in once the port is known (the sandbox origin is the relay's one plain-http target),
  // before the first request.
  app.use('/relay/*', async (_c, next) => {
    harness.relayed++;
    await next();
  });
  app.route(
    '/relay',
    createRelay({
      // Sign-in has its own tests; here a signed-in owner is a given.
      resolveSession: async () => ({ sessionId: 's1', userId: 'u1', workspaceId: 'w1', role: 'owner' }),
      allowlist: createRelayAllowlist({ exchanges: [], sandboxOrigin: url }),
      log: silentLog,
      rateLimiter,
    }),
  );
  app.route('/', sandbox.routes);
  return harness;
}

/** A sandbox API key with these starting balances, made the way Settings makes one. */
export async function createSandboxKey(
  url: string,
  balances: Record<string, string>,
): Promise<{ apiKey: string; secret: string }> {
  const res = await fetch(`${url}/sandbox/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'test', balances }),
  });
  if (res.status !== 201) throw new Error(`sandbox key: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as { apiKey: string; secret: string };
}
