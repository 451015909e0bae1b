import ccxt from 'ccxt';
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createRelayAllowlist } from './allowlist.js';
import type { RelayDeps, RelaySession } from './relay.js';
import {
  capturingLog,
  ownerSession,
  relayTestLimiter,
  startRecordingUpstream,
  startRelayServer,
  viewerSession,
  type RecordingUpstream,
  type RunningRelay,
} from './relay-test-support.js';

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

interface Setup {
  upstream: RecordingUpstream;
  relay: RunningRelay;
  /** The relay URL for a target on the recording upstream (the allowlisted sandbox origin). */
  via(pathAndQuery: string): string;
}

async function setUp(
  options: {
    respond?: Parameters<typeof startRecordingUpstream>[0];
    session?: RelaySession | null;
    deps?: Partial<RelayDeps>;
  } = {},
): Promise<Setup> {
  const upstream = await startRecordingUpstream(options.respond);
  running.push(upstream);
  const session = options.session === undefined ? ownerSession : options.session;
  const relay = await startRelayServer({
    resolveSession: async () => session,
    allowlist: createRelayAllowlist({ exchanges: ['binance'], sandboxOrigin: upstream.origin }),
    log: capturingLog().log,
    ...options.deps,
  });
  running.push(relay);
  return { upstream, relay, via: (pathAndQuery) => relay.relayUrl + upstream.origin + pathAndQuery };
}

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http lets a test send headers that fetch would refuse or rewrite (Host, Connection...). */
function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: Buffer; chunked?: boolean },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    if (init.body && init.chunked) {
      // Two writes without Content-Length: Node sends Transfer-Encoding: chunked.
      const half = Math.floor(init.body.length / 2);
      req.write(init.body.subarray(0, half));
      req.end(init.body.subarray(half));
    } else req.end(init.body);
  });
}

async function errorOf(response: Response): Promise<{ code: string; message: string; retryable: boolean }> {
  const json = (await response.json()) as { error: { code: string; message: string; retryable: boolean } };
  return json.error;
}

describe('relay: who may use it', () => {
  it('refuses a request without a session with 401 signed-out, forwarding nothing', async () => {
    const { upstream, via } = await setUp({ session: null });
    const response = await fetch(via('/api/v3/account'));
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: 'signed-out' });
    expect(upstream.received).toHaveLength(0);
  });

  it('refuses a viewer with 403 read-only: a viewer can see but never trade', async () => {
    const { upstream, via } = await setUp({ session: viewerSession });
    const response = await fetch(via('/api/v3/order'), { method: 'POST', body: 'symbol=BTCUSDT' });
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toMatchObject({ code: 'read-only' });
    expect(upstream.received).toHaveLength(0);
  });

  it('refuses requests another site makes with the user’s cookies', async () => {
    const { upstream, via } = await setUp();
    const response = await rawRequest(via('/api/v3/account'), {
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'cross-site' } });
    const sameOrigin = await rawRequest(via('/api/v3/time'), {
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(sameOrigin.status).toBe(200);
    expect(upstream.received).toHaveLength(1);
  });
});

describe('relay: where it forwards', () => {
  it('refuses a host that is not allowlisted with 403 naming the host', async () => {
    const { upstream, relay } = await setUp();
    for (const [target, host] of [
      ['https://evil.example/api/v3/order', 'evil.example'],
      ['https://api.binance.com@evil.example/api/v3/order', 'evil.example'],
      ['https://api.binance.com:8443/api/v3/order', 'api.binance.com:8443'],
      ['http://api.binance.com/api/v3/order', 'api.binance.com'],
      ['https://0x7f.0.0.1/api/v3/order', '127.0.0.1'],
      ['file:///etc/passwd', ''],
    ] as const) {
      const response = await fetch(relay.relayUrl + target);
      expect(response.status, target).toBe(403);
      const error = await errorOf(response);
      expect(error.code).toBe('host-not-allowed');
      expect(error.message).toContain(`does not forward to ${host}:`);
    }
    expect(upstream.received).toHaveLength(0);
  });

  it('refuses a path without an absolute target URL with 400', async () => {
    const { relay } = await setUp();
    const response = await fetch(relay.relayUrl + 'api.binance.com/api/v3/time');
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'bad-target' });
  });

  it('forwards to an allowlisted https host at exactly the URL ccxt asked for', async () => {
    const upstream = await startRecordingUpstream();
    running.push(upstream);
    const requested: string[] = [];
    // Stands in for DNS and TLS only: the request itself still travels to a real server.
    const routeToUpstream: typeof fetch = (input, init) => {
      const url = new URL(String(input));
      requested.push(url.href);
      return fetch(upstream.origin + url.pathname + url.search, init);
    };
    const relay = await startRelayServer({
      resolveSession: async () => ownerSession,
      allowlist: createRelayAllowlist({ exchanges: ['binance'] }),
      log: capturingLog().log,
      fetch: routeToUpstream,
    });
    running.push(relay);
    const target = 'https://api.binance.com/api/v3/openOrders?symbol=BTCUSDT&timestamp=5&signature=f00d';
    const response = await fetch(relay.relayUrl + encodeURIComponent(target));
    expect(response.status).toBe(200);
    expect(requested).toEqual([target]);
    expect(upstream.received[0]?.target).toBe('/api/v3/openOrders?symbol=BTCUSDT&timestamp=5&signature=f00d');
  });
});

describe('relay: what it forwards', () => {
  it('passes method, query, body bytes, API key and Content-Type unchanged and strips what is ours', async () => {
    const { upstream, via } = await setUp();
    const body = Buffer.from('symbol=BTCUSDT&side=BUY&quantity=0.5&price=1%2B2&signature=9f86d081884c7d65');
    const query = '?recvWindow=5000&timestamp=1700000000000&signature=a%2Fb%2Bc';
    const answer = await rawRequest(via('/api/v3/order' + query), {
      method: 'POST',
      chunked: true,
      body,
      headers: {
        host: 'lyra.example',
        origin: 'https://lyra.example',
        referer: 'https://lyra.example/trade',
        cookie: 'lyra_session=s3cr3t',
        authorization: 'Bearer exchange-token',
        'x-mbx-apikey': 'public-api-key',
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'lyra-test',
        'sec-fetch-mode': 'navigate',
        'sec-fetch-site': 'same-origin',
        'sec-fetch-dest': 'empty',
        'sec-ch-ua': '"Chromium"',
        connection: 'keep-alive, x-connection-named',
        'x-connection-named': 'drop me',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic Zm9vOmJhcg==',
        te: 'trailers',
        'x-forwarded-for': '203.0.113.9',
        'x-forwarded-proto': 'https',
        forwarded: 'for=203.0.113.9',
        'x-real-ip': '203.0.113.9',
      },
    });
    expect(answer.status).toBe(200);
    expect(upstream.received).toHaveLength(1);
    const got = upstream.received[0]!;
    expect(got.method).toBe('POST');
    expect(got.target).toBe('/api/v3/order' + query);
    expect(got.body.equals(body)).toBe(true);
    const header = (name: string) => upstream.header(got, name);
    expect(header('x-mbx-apikey')).toBe('public-api-key');
    expect(header('authorization')).toBe('Bearer exchange-token');
    expect(header('content-type')).toBe('application/x-www-form-urlencoded');
    expect(header('user-agent')).toBe('lyra-test');
    expect(header('host')).toBe(new URL(upstream.origin).host);
    const names = got.headers.map(([name]) => name);
    for (const stripped of [
      'origin',
      'referer',
      'cookie',
      'x-connection-named',
      'keep-alive',
      'proxy-authorization',
      'te',
      'x-forwarded-for',
      'x-forwarded-proto',
      'forwarded',
      'x-real-ip',
    ])
      expect(names, stripped).not.toContain(stripped);
    // Node's fetch states its own fetch mode on every request; none of the browser's Sec-* pass.
    expect(names.filter((n) => n.startsWith('sec-'))).toEqual(['sec-fetch-mode']);
    expect(header('sec-fetch-mode')).toBe('cors');
    expect(header('transfer-encoding')).toBeUndefined();
    expect(header('content-length')).toBe(String(body.length));
  });

  it("carries ccxt's own signed requests through both of its proxyUrl forms with signatures intact", async () => {
    const secret = 'test-secret-for-hmac';
    const { upstream, relay } = await setUp({
      respond: (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(req.target.startsWith('/api/v3/time') ? '{"serverTime":1}' : '{"orderId":7}');
      },
    });
    const exchange = new ccxt.binance({ apiKey: 'public-api-key', secret });
    exchange.proxyUrl = relay.relayUrl;
    const api = (exchange.urls as unknown as { api: Record<string, string> }).api;
    for (const key of ['public', 'private']) api[key] = `${upstream.origin}/api/v3`;

    await exchange.publicGetTime();
    await exchange.privateGetAccount();
    await exchange.privatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.5' });

    const [time, account, order] = upstream.received;
    expect(time?.target).toBe('/api/v3/time');
    const signedPayload = (text: string) => {
      const [payload, signature] = text.split('&signature=');
      return { payload: payload ?? '', signature };
    };
    const signedQuery = signedPayload(account!.target.split('?')[1] ?? '');
    expect(signedQuery.signature).toBe(
      createHmac('sha256', secret).update(signedQuery.payload).digest('hex'),
    );
    expect(upstream.header(account!, 'x-mbx-apikey')).toBe('public-api-key');
    expect(order?.method).toBe('POST');
    const signedBody = signedPayload(order!.body.toString());
    expect(signedBody.payload).toContain('symbol=BTCUSDT');
    expect(signedBody.signature).toBe(createHmac('sha256', secret).update(signedBody.payload).digest('hex'));
  });
});

describe('relay: redirects', () => {
  it('never follows a redirect and answers 502 without the Location', async () => {
    const { upstream, via } = await setUp({
      respond: (req, res) => {
        if (req.target === '/followed') res.writeHead(200).end('followed');
        else res.writeHead(302, { location: '/followed' }).end();
      },
    });
    const response = await fetch(via('/api/v3/order'), { method: 'POST', body: 'a=1', redirect: 'manual' });
    expect(response.status).toBe(502);
    expect(response.headers.get('location')).toBeNull();
    expect(await errorOf(response)).toMatchObject({ code: 'redirect-refused' });
    expect(upstream.received.map((r) => r.target)).toEqual(['/api/v3/order']);
  });
});

describe('relay: limits', () => {
  it('refuses a body whose Content-Length is over the cap with 413', async () => {
    const { upstream, via } = await setUp({ deps: { maxBodyBytes: 16 } });
    const response = await fetch(via('/api/v3/order'), { method: 'POST', body: 'x'.repeat(17) });
    expect(response.status).toBe(413);
    expect(await errorOf(response)).toMatchObject({ code: 'too-large' });
    expect(upstream.received).toHaveLength(0);
  });

  it('counts the streamed bytes when no Content-Length is sent', async () => {
    const { upstream, via } = await setUp({ deps: { maxBodyBytes: 16 } });
    const over = await rawRequest(via('/api/v3/order'), {
      method: 'POST',
      body: Buffer.alloc(40, 'y'),
      chunked: true,
    });
    expect(over.status).toBe(413);
    const within = await rawRequest(via('/api/v3/order'), {
      method: 'POST',
      body: Buffer.alloc(16, 'z'),
      chunked: true,
    });
    expect(within.status).toBe(200);
    expect(upstream.received.map((r) => r.body.toString())).toEqual(['z'.repeat(16)]);
  });

  it('caps the rate per session with 429 and Retry-After, leaving other sessions alone', async () => {
    let current = ownerSession;
    const { upstream, via } = await setUp({
      deps: {
        rate: { perSecond: 1, burst: 2 }, // 2 per 2 s window
        resolveSession: async () => current,
        // Half a second into a window, so the test never straddles two.
        rateLimiter: await relayTestLimiter({ now: () => Date.UTC(2026, 0, 5, 12) + 500 }),
      },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(via('/api/v3/time'))).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await fetch(via('/api/v3/time'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(await errorOf(limited)).toMatchObject({ code: 'rate-limited', retryable: true });
    expect(upstream.received).toHaveLength(2);

    current = { ...ownerSession, sessionId: 'another-session' };
    expect((await fetch(via('/api/v3/time'))).status).toBe(200);
  });
});

describe('relay: what it answers', () => {
  it("passes the exchange's status, body, content type and rate-limit headers, and nothing of ours", async () => {
    const payload = JSON.stringify({ code: -1003, msg: 'Too much request weight used.' });
    const { via } = await setUp({
      respond: (_req, res) => {
        res.writeHead(418, {
          'content-type': 'application/json;charset=UTF-8',
          'content-encoding': 'gzip',
          'x-mbx-used-weight': '6001',
          'x-mbx-used-weight-1m': '6001',
          'retry-after': '120',
          'set-cookie': 'aws-waf-token=abc; Path=/',
          'alt-svc': 'h3=":443"',
          'clear-site-data': '"storage"',
          'strict-transport-security': 'max-age=31536000',
          'access-control-allow-origin': '*',
          connection: 'x-hop',
          'x-hop': 'drop me',
        });
        res.end(gzipSync(payload));
      },
    });
    const answer = await rawRequest(via('/api/v3/order'), { method: 'DELETE' });
    expect(answer.status).toBe(418);
    expect(answer.body).toBe(payload);
    expect(answer.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(answer.headers['x-mbx-used-weight']).toBe('6001');
    expect(answer.headers['x-mbx-used-weight-1m']).toBe('6001');
    expect(answer.headers['retry-after']).toBe('120');
    expect(answer.headers['content-encoding']).toBeUndefined();
    if (answer.headers['content-length'] !== undefined)
      expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(payload)));
    for (const name of ['set-cookie', 'alt-svc', 'clear-site-data', 'strict-transport-security', 'x-hop'])
      expect(answer.headers[name], name).toBeUndefined();
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    // Served from our origin, so a browser that renders it must not run it.
    expect(answer.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('answers 504 when the exchange does not answer in time, saying it could not be reached', async () => {
    const { via } = await setUp({ respond: () => undefined, deps: { timeoutMs: 150 } });
    const started = Date.now();
    const response = await fetch(via('/api/v3/account'));
    expect(response.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(5_000);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(error.message).toMatch(/^The exchange could not be reached/);
  });

  it('answers 502 when the exchange refuses the connection, saying it could not be reached', async () => {
    const closed = await startRecordingUpstream();
    await closed.close();
    const relay = await startRelayServer({
      resolveSession: async () => ownerSession,
      allowlist: createRelayAllowlist({ exchanges: [], sandboxOrigin: closed.origin }),
      log: capturingLog().log,
    });
    running.push(relay);
    const response = await fetch(relay.relayUrl + closed.origin + '/api/v3/account');
    expect(response.status).toBe(502);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 'unreachable', retryable: true });
    expect(error.message).toMatch(/^The exchange could not be reached/);
  });
});

describe('relay: logs and metrics', () => {
  const apiKey = 'FAKEAPIKEYvmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91';
  const signature = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';
  const secretInBody = 'BODYSECRETlhsFvh3FhH2rvJ0o9mdwrQMj0fJ5nDEPaUjF';

  it('logs method, host, status and duration only, never headers, query or body', async () => {
    const { log, lines } = capturingLog();
    const upstream = await startRecordingUpstream();
    running.push(upstream);
    const relay = await startRelayServer({
      resolveSession: async () => ownerSession,
      allowlist: createRelayAllowlist({ exchanges: [], sandboxOrigin: upstream.origin }),
      log,
    });
    running.push(relay);
    const target = `${upstream.origin}/api/v3/order?timestamp=1&signature=${signature}`;
    const init = {
      method: 'POST',
      headers: { 'x-mbx-apikey': apiKey, authorization: `Bearer ${apiKey}`, cookie: `s=${secretInBody}` },
      body: `quantity=1&secret=${secretInBody}`,
    };
    expect((await fetch(relay.relayUrl + encodeURIComponent(target), init)).status).toBe(200);
    // A refused and a failed request log too: neither may leak the URL either.
    await fetch(relay.relayUrl + encodeURIComponent(`https://evil.example/x?signature=${signature}`), init);
    await upstream.close();
    expect((await fetch(relay.relayUrl + encodeURIComponent(target), init)).status).toBe(502);

    const output = lines.join('');
    for (const secret of [apiKey, signature, secretInBody, 'timestamp=1', '/api/v3/order'])
      expect(output, secret).not.toContain(secret);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({ method: 'POST', host: new URL(upstream.origin).host, status: 200 });
    expect(entries[0]?.ms).toBeTypeOf('number');
    expect(entries.map((e) => e.status)).toEqual([200, 403, 502]);
  });

  it('counts requests by outcome, with no URL or host in the labels', async () => {
    const registry = new Registry();
    const { relay, via } = await setUp({ deps: { metrics: registry } });
    await fetch(via('/api/v3/time'));
    await fetch(via('/api/v3/time'));
    await fetch(relay.relayUrl + 'https://evil.example/x');
    const text = await registry.metrics();
    expect(text).toContain('lyra_relay_requests_total{outcome="forwarded"} 2');
    expect(text).toContain('lyra_relay_requests_total{outcome="host-not-allowed"} 1');
    expect(text).not.toContain('evil.example');
    expect(text).not.toContain('127.0.0.1');
  });

  it('counts the body bytes carried to the exchange and back', async () => {
    const registry = new Registry();
    const { via } = await setUp({ deps: { metrics: registry } });
    await fetch(via('/api/v3/order'), { method: 'POST', body: 'x'.repeat(100) });
    await fetch(via('/api/v3/time'));
    const text = await registry.metrics();
    expect(text).toContain('lyra_relay_bytes_total{direction="to_exchange"} 100');
    // The recording upstream answers {"ok":true} (11 bytes) each time.
    expect(text).toContain('lyra_relay_bytes_total{direction="from_exchange"} 22');
  });
});
