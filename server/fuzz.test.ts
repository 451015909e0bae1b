/**
 * Every route of the whole app (as server/main.ts assembles it) against hostile input: malformed,
 * truncated, oversized, wrong-typed, empty and random bodies, garbage path parameters and queries, with
 * and without a session. Whatever arrives, the server answers with a 4xx at worst, never a 5xx, and keeps
 * answering. FUZZ_RUNS=n runs n cases per route (default 100); a failure prints fast-check's seed.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFullTestApp, testOrigin, type FullTestApp } from './app-test-support.js';

const runsPerRoute = Number(process.env.FUZZ_RUNS ?? 100);
const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const bodyless = new Set(['GET', 'HEAD']);
// Over every JSON limit (1 MiB global, 64 KiB auth, 384 KiB backups, the 64 KiB test chunk limit).
const oversized = `{"displayName":"${'x'.repeat(1024 * 1024)}"}`;
// Field names the routes' schemas read, so wrong-typed values reach the validators and past them.
const fieldNames = [
  'displayName',
  'inviteToken',
  'response',
  'passkeyName',
  'name',
  'token',
  'id',
  'rawId',
  'type',
  'clientDataJSON',
  'attestationObject',
  'authenticatorData',
  'signature',
  'userHandle',
  'kind',
  'parentId',
  'format',
  'dataKeyId',
  'plannedBytes',
  'chunkCount',
  'sha256',
  'manifest',
  'label',
  'balances',
  'wrapped',
  'keys',
];
const binanceParams = [
  'symbol',
  'symbols',
  'side',
  'type',
  'timeInForce',
  'quantity',
  'quoteOrderQty',
  'price',
  'stopPrice',
  'newClientOrderId',
  'orderId',
  'origClientOrderId',
  'listId',
  'listClientOrderId',
  'limit',
  'interval',
  'startTime',
  'endTime',
  'fromId',
  'recvWindow',
  'listenKey',
  'aboveType',
  'belowType',
  'abovePrice',
  'belowPrice',
  'selfTradePreventionMode',
  'newOrderRespType',
  'cancelReplaceMode',
  'windowSize',
];

const garbageText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    '..',
    '%',
    '%00',
    '%zz',
    '/',
    '//',
    '\\',
    ' ',
    'null',
    '-1',
    '1e309',
    'NaN',
    '__proto__',
  ),
  fc.nat().map(String),
  fc.nat({ max: 5 }).map(String),
  fc.bigInt().map(String),
  // Well-formed ids, so requests get past the id checks to the lookups behind them.
  fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/),
  fc.string({ minLength: 300, maxLength: 2000 }),
);
const plausible = fc.oneof(
  fc.constantFrom('BTCUSDT', 'ETHBTC', 'BUY', 'SELL', 'LIMIT', 'MARKET', 'GTC', 'IOC', 'FOK', 'LIMIT_MAKER'),
  fc.constantFrom('STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT', '1m', '1d', 'FULL', 'EXPIRE_TAKER', '["BTCUSDT"]'),
  fc.double({ noNaN: false }).map(String),
  fc.integer().map(String),
  garbageText,
);
const wrongValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
  fc.jsonValue({ maxDepth: 6 }),
  fc.string({ maxLength: 50 }),
);
const wrongTyped = fc.oneof(
  fc.dictionary(fc.constantFrom(...fieldNames), wrongValue, { maxKeys: 6 }),
  fc.record({ response: fc.dictionary(fc.constantFrom(...fieldNames), wrongValue, { maxKeys: 6 }) }),
  wrongValue,
);

type Body = string | Uint8Array<ArrayBuffer> | undefined;
/** Prints as its kind and the start of it: a counterexample must not print a megabyte. */
function described(b: { kind: string; value: Body }) {
  const shown = typeof b.value === 'string' ? JSON.stringify(b.value.slice(0, 80)) : String(b.value?.length);
  return Object.assign(b, { [fc.toStringMethod]: () => `${b.kind}(${shown})` });
}
const body = fc
  .oneof(
    fc
      .tuple(fc.constantFrom('{', '[', '{"a":', 'nul', '{"a":1,}', "{'a':1}", '{"a" 1}', '"'), fc.string())
      .map(([head, tail]) => ({ kind: 'malformed', value: head + tail })),
    wrongTyped
      .map((v) => JSON.stringify(v) ?? '')
      .chain((json) => fc.nat({ max: Math.max(0, json.length - 1) }).map((n) => json.slice(0, n)))
      .map((value) => ({ kind: 'truncated', value })),
    fc.constant({ kind: 'oversized', value: oversized }),
    wrongTyped.map((v) => ({ kind: 'wrong-typed', value: JSON.stringify(v) ?? 'undefined' })),
    fc.constantFrom({ kind: 'empty', value: '' }, { kind: 'none', value: undefined }),
    fc.uint8Array({ maxLength: 4096 }).map((b) => ({ kind: 'bytes', value: new Uint8Array(b) })),
    fc
      .dictionary(fc.constantFrom(...binanceParams), plausible, { maxKeys: 6 })
      .map((d) => ({ kind: 'form', value: new URLSearchParams(d).toString() })),
  )
  .map(described);
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  undefined,
);
/** none, our session, a session cookie nobody issued, a foreign page; signed: a sandbox API key. */
const caller = fc.constantFrom('anonymous', 'signed-in', 'forged-cookie', 'foreign-origin', 'signed-api');
const orderLike = fc.record(
  {
    symbol: fc.constantFrom('BTCUSDT', 'ETHBTC', 'XRPUSDT', 'NOPE'),
    side: fc.constantFrom('BUY', 'SELL', 'HOLD'),
    type: fc.constantFrom('LIMIT', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT', 'LIMIT_MAKER', 'X'),
    timeInForce: fc.constantFrom('GTC', 'IOC', 'FOK', 'GTX'),
    quantity: plausible,
    price: plausible,
    stopPrice: plausible,
    orderId: plausible,
    limit: plausible,
  },
  { requiredKeys: [] },
);
const query = fc.option(
  fc.oneof(orderLike, fc.dictionary(fc.constantFrom(...binanceParams), plausible, { maxKeys: 5 })),
  { nil: undefined },
);

interface Route {
  method: string;
  path: string;
}

/** Fills `:param` and `*` with garbage: sometimes percent-encoded, sometimes raw (a '/' may reroute). */
function pathFor(route: Route, fills: string[], raw: boolean): string {
  let i = 0;
  const next = () => {
    const v = fills[i++ % fills.length] ?? '';
    return raw ? v.replace(/[?#]/g, '') : encodeURIComponent(v);
  };
  return route.path.replace(/:[A-Za-z0-9_]+(\{[^}]*\})?/g, next).replace(/\*/g, next);
}

describe('fuzzing every route', () => {
  let full: FullTestApp;
  let cookie: string;
  let apiKey: string;
  let secret: string;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    full = await startFullTestApp({ log: pino({ level: 'silent' }) });
    cookie = await full.signUp('Fuzzer');
    ({ apiKey, secret } = full.sandbox.createApiKey({ balances: { USDT: '100000', BTC: '10' } }));
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await full.close();
  });

  it('never answers 5xx, and keeps answering', async () => {
    const seen = new Set<string>();
    const routes: Route[] = [];
    for (const r of full.app.routes) {
      const key = `${r.method} ${r.path}`;
      if (!seen.has(key)) routes.push({ method: r.method, path: r.path });
      seen.add(key);
    }
    // Every router is mounted: auth, relay, backups, the sandbox's public and private API.
    for (const prefix of ['/auth/', '/relay/', '/backups/', '/api/v3/', '/sandbox/'])
      expect(
        routes.some((r) => r.path.startsWith(prefix)),
        prefix,
      ).toBe(true);

    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...(route.method === 'ALL' ? methods : [route.method])),
          fc.array(garbageText, { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          body,
          contentType,
          caller,
          query,
          async (method, fills, raw, b, type, who, q) => {
            // Signing out would spend the one session the other cases use.
            if (who === 'signed-in' && route.path === '/auth/sign-out') who = 'anonymous';
            const headers: Record<string, string> = {};
            if (type) headers['content-type'] = type;
            if (who !== 'foreign-origin') headers.origin = testOrigin;
            else headers.origin = 'https://evil.example';
            if (who === 'signed-in') headers.cookie = cookie;
            if (who === 'forged-cookie')
              headers.cookie = `${cookie.split('=')[0]}=${encodeURIComponent(fills[0] ?? '')}`;
            let path = pathFor(route, fills, raw);
            const params = new URLSearchParams(q ?? {});
            const sendBody = bodyless.has(method) ? undefined : b.value;
            if (who === 'signed-api') {
              // Validly signed, so the private endpoints' own parsing sees the garbage.
              headers['x-mbx-apikey'] = apiKey;
              params.set('timestamp', String(Date.now()));
              const text = typeof sendBody === 'string' ? sendBody : '';
              params.set(
                'signature',
                createHmac('sha256', secret)
                  .update(params.toString() + text)
                  .digest('hex'),
              );
            }
            if ([...params].length > 0) path += (path.includes('?') ? '&' : '?') + params.toString();
            const res = await full.app.request(path, { method, headers, body: sendBody });
            await res.arrayBuffer();
            if (res.status >= 500)
              throw new Error(`${method} ${path.slice(0, 200)} (${b.kind}, ${who}) answered ${res.status}`);
          },
        ),
        { numRuns: runsPerRoute },
      );
    }

    const health = await full.app.request('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    expect(rejections).toEqual([]);
  }, 120_000);
});
