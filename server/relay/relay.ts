import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { RelayAllowlist } from './allowlist.js';
import { readCappedBody } from './read-capped-body.js';
import { requestHeadersForExchange, responseHeadersForClient } from './relay-headers.js';
import { relayByteCounter, relayOutcomeCounter, type RelayOutcome } from './relay-metrics.js';
import { mountPrefixOf, readRelayTarget } from './relay-target.js';
import { createSessionRateLimiter, type RateLimit } from './session-rate-limiter.js';

export interface RelaySession {
  sessionId: string;
  userId: string;
  workspaceId: string;
  role: 'owner' | 'viewer';
}

export interface RelayDeps {
  resolveSession: (c: Context) => Promise<RelaySession | null>;
  allowlist: RelayAllowlist;
  log: Logger;
  /** Injectable for tests only. */
  fetch?: typeof fetch;
  maxBodyBytes?: number;
  /** The shared (PostgreSQL) limiter the per-session budget is counted in. */
  rateLimiter: RateLimiter;
  /** Default 10 per second with bursts of 20. */
  rate?: RateLimit;
  timeoutMs?: number;
  metrics?: Registry;
}

const relayedMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const unreachable = 'The exchange could not be reached';

/**
 * Forwards requests that ccxt signed in the browser to allowlisted exchange hosts (ccxt's proxyUrl).
 * It adds no credentials of its own, so it can only carry what the user's device already signed.
 * Mount with `app.route('/relay', createRelay(deps))`.
 */
export function createRelay(deps: RelayDeps): Hono {
  const maxBodyBytes = deps.maxBodyBytes ?? 64 * 1024;
  const timeoutMs = deps.timeoutMs ?? 15_000;
  const upstreamFetch = deps.fetch ?? fetch;
  const limiter = createSessionRateLimiter(deps.rateLimiter, deps.rate ?? { perSecond: 10, burst: 20 });
  const count = relayOutcomeCounter(deps.metrics);
  const countBytes = relayByteCounter(deps.metrics);
  const log = deps.log;
  const relay = new Hono();

  relay.all('*', async (c) => {
    const started = performance.now();
    const method = c.req.method;
    // Filled in once the target is parsed, so refusals before that log no host.
    const seen: { host?: string } = {};

    // The only log line: headers, bodies and query strings carry keys and signatures.
    const finish = (outcome: RelayOutcome, response: Response): Response => {
      count(outcome);
      const entry = {
        method,
        host: seen.host,
        status: response.status,
        ms: Math.round(performance.now() - started),
      };
      if (outcome === 'forwarded') log.info({ ...entry, outcome }, 'relay');
      else log.warn({ ...entry, outcome }, 'relay');
      return response;
    };
    const refuse = (
      outcome: RelayOutcome,
      status: ContentfulStatusCode,
      message: string,
      retryable = false,
    ): Response => finish(outcome, c.json({ error: { code: outcome, message, retryable } }, status));

    const session = await deps.resolveSession(c);
    if (!session) return refuse('signed-out', 401, 'Sign in to trade through the relay.');
    if (session.role !== 'owner')
      return refuse('read-only', 403, 'This account is read-only: a viewer can see but never trade.');
    // A page on another site could otherwise spend this user's session on the relay.
    const fetchSite = c.req.header('sec-fetch-site');
    if (fetchSite !== undefined && fetchSite !== 'same-origin')
      return refuse('cross-site', 403, 'The relay only answers requests made by Lyra itself.');
    if (!relayedMethods.has(method))
      return refuse('method-not-allowed', 405, `The relay does not forward ${method} requests.`);

    const rate = await limiter.take(session.sessionId);
    if (!rate.allowed) {
      c.header('retry-after', String(rate.retryAfterSeconds));
      return refuse(
        'rate-limited',
        429,
        `Too many relay requests; retry in ${rate.retryAfterSeconds} s.`,
        true,
      );
    }

    const rawTarget = readRelayTarget(c.req.url, mountPrefixOf(c.req.routePath));
    let target: URL | undefined;
    try {
      target = rawTarget === undefined ? undefined : new URL(rawTarget);
    } catch {
      target = undefined;
    }
    if (!target)
      return refuse('bad-target', 400, 'The relay expects /relay/<absolute exchange URL>, as ccxt sends it.');
    seen.host = target.host;
    const verdict = deps.allowlist.check(target);
    if (!verdict.allowed)
      return refuse(
        'host-not-allowed',
        403,
        `The relay does not forward to ${verdict.host}: ${verdict.reason}.`,
      );

    let body: Uint8Array<ArrayBuffer> | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      const tooLarge = `Request body too large for the relay (limit ${maxBodyBytes} bytes).`;
      const declared = Number(c.req.header('content-length') ?? '0');
      if (declared > maxBodyBytes) return refuse('too-large', 413, tooLarge);
      const read = await readCappedBody(c.req.raw.body, maxBodyBytes);
      if (!read.ok) return refuse('too-large', 413, tooLarge);
      body = read.bytes;
    }

    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    try {
      const upstream = await upstreamFetch(target.href, {
        method,
        headers: requestHeadersForExchange(c.req.raw.headers),
        body,
        redirect: 'manual',
        signal: abort.signal,
      });
      if (upstream.status >= 300 && upstream.status < 400) {
        await upstream.body?.cancel().catch(() => undefined);
        return refuse(
          'redirect-refused',
          502,
          `The exchange answered with a redirect (${upstream.status}), which the relay never follows or passes on.`,
        );
      }
      // Read whole, inside the timeout: a stalled body is as unreachable as a stalled connection.
      const bytes = await upstream.arrayBuffer();
      countBytes('to_exchange', body?.byteLength ?? 0);
      countBytes('from_exchange', bytes.byteLength);
      const noBody = method === 'HEAD' || upstream.status === 204 || upstream.status === 205;
      const response = new Response(noBody ? null : bytes, {
        status: upstream.status,
        headers: responseHeadersForClient(upstream.headers),
      });
      return finish('forwarded', response);
    } catch {
      // The error's own text may quote the URL, query and all, so it is never logged or returned.
      if (timedOut)
        return refuse('timeout', 504, `${unreachable}: it did not answer within ${timeoutMs} ms.`, true);
      return refuse('unreachable', 502, `${unreachable}: the connection failed.`, true);
    } finally {
      clearTimeout(timer);
    }
  });

  return relay;
}
