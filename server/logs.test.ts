import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFullTestApp, testOrigin, type FullTestApp } from './app-test-support.js';
import { createLogger } from './log.js';

// Each value is unique, so finding it anywhere in the log means it leaked.
const secrets = {
  bearer: 'AUTHZSECRETq2Zr7wX1',
  apiKey: 'APIKEYSECRETm8Vn3kP0',
  body: 'BODYSECRETz5Lh9cJ4',
  signature: 'SIGNATURESECRETt6Yb2',
  chunk: 'CHUNKSECRETf1Qd8sR3',
};

describe('server logs', () => {
  const lines: string[] = [];
  let full: FullTestApp;
  let cookie: string;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    // The production logger at its most talkative, writing to memory instead of stdout.
    full = await startFullTestApp({ log: createLogger('trace', sink) });
    cookie = await full.signUp('Logger');
  });
  afterAll(() => full.close());

  const send = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    full.app.request(path, {
      method,
      headers: {
        origin: testOrigin,
        cookie,
        authorization: `Bearer ${secrets.bearer}`,
        'x-mbx-apikey': secrets.apiKey,
        'content-type': 'application/json',
        ...headers,
      },
      body,
    });

  it('carries no cookie, token, API key, signature or body, only method, path and status', async () => {
    const token = decodeURIComponent(cookie.split('=')[1]!);
    const secretBody = JSON.stringify({ secret: secrets.body, displayName: secrets.body });
    const answers = [
      await send('POST', '/auth/sign-in/options', secretBody),
      await send('POST', '/auth/sign-in/verify', secretBody),
      await send('POST', '/auth/register/verify', `{"response": "${secrets.body}"`),
      await send('POST', '/auth/invites/inspect', JSON.stringify({ token: secrets.body })),
      await send('GET', '/auth/me'),
      await send('POST', '/auth/sign-in/options', secretBody, { origin: `https://${secrets.body}.example` }),
      // The relay: signed query, API key header and body all travel to the exchange, never to the log.
      await send(
        'POST',
        `/relay/${encodeURIComponent(`${testOrigin}/api/v3/order?signature=${secrets.signature}`)}`,
        `quantity=1&secret=${secrets.body}`,
        { 'content-type': 'application/x-www-form-urlencoded' },
      ),
      // A refused target: its host is logged (that is the point of the line), its query never.
      await send('GET', `/relay/https://evil.example/x?signature=${secrets.signature}`),
      // Backups: a start with a body, a chunk, a request for a backup that does not exist.
      await send('POST', '/backups/uploads', secretBody),
      await send('PUT', '/backups/uploads/abcdefghijklmnop1234/chunks/0', secrets.chunk, {
        'content-type': 'application/octet-stream',
      }),
      await send('GET', '/backups/abcdefghijklmnop1234/chunks/0'),
      // The sandbox exchange takes its own API key header.
      await send('GET', `/api/v3/account?timestamp=1&signature=${secrets.signature}`),
    ];
    expect(answers.map((a) => a.status).every((s) => s < 500)).toBe(true);
    expect(answers[6]!.status).toBe(200); // the relayed order went through

    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(answers.length);
    for (const [name, value] of Object.entries({ ...secrets, token })) expect(log, name).not.toContain(value);
    expect(log).not.toMatch(/cookie|authorization|x-mbx-apikey/i);
    // Every line is one JSON object, and the request lines say what happened.
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = entries.filter((e) => e.module === 'http');
    expect(requests.map((e) => e.path)).toContain('/relay');
    expect(requests.map((e) => e.path)).toContain('/auth/sign-in/options');
    for (const e of requests)
      expect(Object.keys(e).sort()).toEqual([
        'app',
        'level',
        'method',
        'module',
        'ms',
        'path',
        'status',
        'time',
      ]);
  });
});
