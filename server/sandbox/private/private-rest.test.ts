import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createSandbox, type Sandbox } from '../index.js';
import { ManualClock, silentLog, startServer, waitFor, type RunningServer } from '../test-support.js';
import { randomKey } from './accounts.js';
import { hmacHex } from './signature.js';
import { LISTEN_KEY_TTL_MS } from './user-streams.js';

let sandbox: Sandbox;
let server: RunningServer;
const clock = new ManualClock(Date.UTC(2026, 2, 2, 12));
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lyra-sandbox-'));
  sandbox = createSandbox({
    seed: 5,
    historyDays: 0,
    log: silentLog,
    clock,
    accountsFile: join(dir, 'accounts.json'),
  });
  server = await startServer(sandbox);
});

afterAll(async () => {
  await sandbox?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Call {
  method?: 'GET' | 'POST' | 'DELETE' | 'PUT';
  params?: Record<string, string | number>;
  apiKey?: string;
  secret?: string;
  /** Changes the query after signing. */
  tamper?: (query: string) => string;
  sign?: boolean;
  inBody?: boolean;
}

async function call(path: string, c: Call): Promise<{ status: number; body: Record<string, unknown> }> {
  const method = c.method ?? 'GET';
  let query = new URLSearchParams(Object.entries(c.params ?? {}).map(([k, v]) => [k, String(v)])).toString();
  if (c.sign !== false) query += `${query === '' ? '' : '&'}signature=${hmacHex(c.secret ?? '', query)}`;
  if (c.tamper) query = c.tamper(query);
  const headers: Record<string, string> = {};
  if (c.apiKey !== undefined) headers['X-MBX-APIKEY'] = c.apiKey;
  const init: RequestInit = { method, headers };
  let url = `${server.httpUrl}/api/v3/${path}`;
  if (c.inBody === true) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    init.body = query;
  } else {
    url += `?${query}`;
  }
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const ts = () => clock.now();

describe('signed requests', () => {
  it('accepts a good signature in the query or the body, and refuses every kind of bad one', async () => {
    const { apiKey, secret } = sandbox.createApiKey({ balances: { USDT: '10' } });
    const ok = await call('account', { apiKey, secret, params: { timestamp: ts() } });
    expect(ok.status).toBe(200);
    expect(ok.body['balances']).toContainEqual({ asset: 'USDT', free: '10.00000000', locked: '0.00000000' });
    const body = await call('openOrders', {
      method: 'GET',
      apiKey,
      secret,
      params: { timestamp: ts(), recvWindow: 10_000 },
    });
    expect(body.body).toEqual([]);
    expect(
      (
        await call('order/test', {
          method: 'POST',
          inBody: true,
          apiKey,
          secret,
          params: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001', timestamp: ts() },
        })
      ).body,
    ).toEqual({});

    const expectError = async (c: Call, code: number, msg: string) => {
      const r = await call('account', c);
      expect(r.body).toEqual({ code, msg });
    };
    await expectError(
      { apiKey, secret: randomKey(), params: { timestamp: ts() } },
      -1022,
      'Signature for this request is not valid.',
    );
    await expectError(
      {
        apiKey,
        secret,
        params: { timestamp: ts(), omitZeroBalances: 'true' },
        tamper: (q) => q.replace('omitZeroBalances=true', 'omitZeroBalances=false'),
      },
      -1022,
      'Signature for this request is not valid.',
    );
    await expectError(
      { apiKey, secret, sign: false, params: { timestamp: ts() } },
      -1102,
      "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
    );
    await expectError(
      { apiKey, secret, params: {} },
      -1102,
      "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
    );
    await expectError(
      { apiKey, secret, params: { timestamp: ts() - 5001 } },
      -1021,
      'Timestamp for this request is outside of the recvWindow.',
    );
    expect(
      (await call('account', { apiKey, secret, params: { timestamp: ts() - 5001, recvWindow: 6000 } }))
        .status,
    ).toBe(200);
    await expectError(
      { apiKey, secret, params: { timestamp: ts() + 1000 } },
      -1021,
      "Timestamp for this request was 1000ms ahead of the server's time.",
    );
    await expectError(
      { apiKey, secret, params: { timestamp: ts(), recvWindow: 60_001 } },
      -1131,
      'recvWindow must be less than 60000',
    );
    await expectError(
      { apiKey: randomKey(), secret, params: { timestamp: ts() } },
      -2015,
      'Invalid API-key, IP, or permissions for action.',
    );
    await expectError(
      { apiKey: 'short', secret, params: { timestamp: ts() } },
      -2014,
      'API-key format invalid.',
    );
    await expectError({ secret, params: { timestamp: ts() } }, -2014, 'API-key format invalid.');
    await expectError(
      { apiKey, secret, params: { timestamp: ts(), bogus: 1 } },
      -1104,
      "Not all sent parameters were read; read '1' parameter(s) but was sent '2' (unexpected parameter 'bogus').",
    );
  });
});

describe('orders over REST', () => {
  it('applies the symbol filters with Binance messages', async () => {
    const { apiKey, secret } = sandbox.createApiKey({});
    const order = (p: Record<string, string>) =>
      call('order', { method: 'POST', apiKey, secret, params: { symbol: 'BTCUSDT', timestamp: ts(), ...p } });
    const limit = { side: 'BUY', type: 'LIMIT', timeInForce: 'GTC' };
    expect((await order({ ...limit, quantity: '0.001', price: '100.001' })).body).toEqual({
      code: -1013,
      msg: 'Filter failure: PRICE_FILTER',
    });
    expect((await order({ ...limit, quantity: '0.000015', price: '100' })).body).toEqual({
      code: -1013,
      msg: 'Filter failure: LOT_SIZE',
    });
    expect((await order({ ...limit, quantity: '0.00001', price: '100' })).body).toEqual({
      code: -1013,
      msg: 'Filter failure: NOTIONAL',
    });
    expect((await order({ side: 'BUY', type: 'LIMIT', quantity: '0.001', price: '100' })).body['code']).toBe(
      -1102,
    );
    expect((await order({ side: 'BUY', type: 'MARKET' })).body['code']).toBe(-1102);
    expect((await order({ side: 'BUY', type: 'STOP_LOSS', quantity: '1' })).body['code']).toBe(-1013);
    expect((await order({ side: 'UP', type: 'MARKET', quantity: '1' })).body).toEqual({
      code: -1117,
      msg: 'Invalid side.',
    });
    expect((await order({ side: 'BUY', type: 'ICEBERG', quantity: '1' })).body).toEqual({
      code: -1116,
      msg: 'Invalid orderType.',
    });
    const ack = await order({
      ...limit,
      quantity: '0.1',
      price: '100',
      newOrderRespType: 'ACK',
      newClientOrderId: 'rest-1',
    });
    expect(Object.keys(ack.body).sort()).toEqual([
      'clientOrderId',
      'orderId',
      'orderListId',
      'symbol',
      'transactTime',
    ]);
    const got = await call('order', {
      apiKey,
      secret,
      params: { symbol: 'BTCUSDT', origClientOrderId: 'rest-1', timestamp: ts() },
    });
    expect(got.body).toMatchObject({
      orderId: ack.body['orderId'],
      status: 'NEW',
      price: '100.00000000',
      origQty: '0.10000000',
      isWorking: true,
    });
    const all = await call('allOrders', { apiKey, secret, params: { symbol: 'BTCUSDT', timestamp: ts() } });
    expect((all.body as unknown as unknown[]).length).toBe(1);
    expect(
      (
        await call('order', {
          apiKey,
          secret,
          params: { symbol: 'BTCUSDT', orderId: 424242, timestamp: ts() },
        })
      ).body,
    ).toEqual({ code: -2013, msg: 'Order does not exist.' });
  });

  it('places and cancels an OCO list (current form), locking the base once', async () => {
    const { apiKey, secret } = sandbox.createApiKey({ balances: { ETH: '1' } });
    const ticker = (await (await fetch(`${server.httpUrl}/api/v3/ticker/price?symbol=ETHUSDT`)).json()) as {
      price: string;
    };
    const last = Number(ticker.price);
    const params = {
      symbol: 'ETHUSDT',
      side: 'SELL',
      quantity: '0.5',
      aboveType: 'LIMIT_MAKER',
      abovePrice: (last * 1.05).toFixed(2),
      belowType: 'STOP_LOSS_LIMIT',
      belowStopPrice: (last * 0.95).toFixed(2),
      belowPrice: (last * 0.94).toFixed(2),
      belowTimeInForce: 'GTC',
      listClientOrderId: 'oco-1',
      timestamp: ts(),
    };
    const placed = await call('orderList/oco', { method: 'POST', apiKey, secret, params, inBody: true });
    expect(placed.body).toMatchObject({
      contingencyType: 'OCO',
      listStatusType: 'EXEC_STARTED',
      listClientOrderId: 'oco-1',
    });
    expect((placed.body['orders'] as unknown[]).length).toBe(2);
    const account = await call('account', {
      apiKey,
      secret,
      params: { timestamp: ts(), omitZeroBalances: 'true' },
    });
    expect(account.body['balances']).toEqual([{ asset: 'ETH', free: '0.50000000', locked: '0.50000000' }]);
    const open = await call('openOrders', { apiKey, secret, params: { symbol: 'ETHUSDT', timestamp: ts() } });
    expect(
      (open.body as unknown as Array<{ type: string; isWorking: boolean }>).map((o) => [o.type, o.isWorking]),
    ).toEqual([
      ['LIMIT_MAKER', true],
      ['STOP_LOSS_LIMIT', false],
    ]);
    const canceled = await call('orderList', {
      method: 'DELETE',
      apiKey,
      secret,
      params: { symbol: 'ETHUSDT', listClientOrderId: 'oco-1', timestamp: ts() },
    });
    expect(canceled.body).toMatchObject({ listStatusType: 'ALL_DONE', listOrderStatus: 'ALL_DONE' });
    expect((canceled.body['orderReports'] as Array<{ status: string }>).map((r) => r.status)).toEqual([
      'CANCELED',
      'CANCELED',
    ]);
    const after = await call('account', {
      apiKey,
      secret,
      params: { timestamp: ts(), omitZeroBalances: 'true' },
    });
    expect(after.body['balances']).toEqual([{ asset: 'ETH', free: '1.00000000', locked: '0.00000000' }]);
  });
});

describe('listenKey user data stream', () => {
  it('streams executionReport and outboundAccountPosition, extends with PUT and expires', async () => {
    const { apiKey, secret } = sandbox.createApiKey({ balances: { USDT: '1000' } });
    const created = await call('userDataStream', { method: 'POST', apiKey, sign: false });
    const listenKey = created.body['listenKey'] as string;
    expect(listenKey).toMatch(/^[A-Za-z0-9]{60}$/);
    expect((await call('userDataStream', { method: 'POST', apiKey, sign: false })).body['listenKey']).toBe(
      listenKey,
    );
    const events: Array<Record<string, unknown>> = [];
    const ws = new WebSocket(`${server.wsUrl}/ws/${listenKey}`);
    ws.on('message', (data) => events.push(JSON.parse(String(data)) as Record<string, unknown>));
    await new Promise((resolve) => ws.once('open', resolve));
    const placed = await call('order', {
      method: 'POST',
      apiKey,
      secret,
      inBody: true,
      params: {
        symbol: 'SOLUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '1',
        price: '10',
        timestamp: ts(),
      },
    });
    expect(placed.status).toBe(200);
    await waitFor(() => (events.length >= 2 ? true : undefined), 5000, 'two events');
    expect(events[0]).toMatchObject({
      e: 'executionReport',
      s: 'SOLUSDT',
      x: 'NEW',
      X: 'NEW',
      i: placed.body['orderId'],
      p: '10.00000000',
      q: '1.00000000',
    });
    expect(events[1]).toMatchObject({
      e: 'outboundAccountPosition',
      B: [{ a: 'USDT', f: '990.00000000', l: '10.00000000' }],
    });

    clock.t += LISTEN_KEY_TTL_MS - 1000;
    expect(
      (await call('userDataStream', { method: 'PUT', apiKey, sign: false, params: { listenKey } })).body,
    ).toEqual({});
    clock.t += LISTEN_KEY_TTL_MS - 1000;
    sandbox.advanceTo(clock.t);
    expect(events.some((e) => e['e'] === 'listenKeyExpired')).toBe(false);
    clock.t += 2000;
    sandbox.advanceTo(clock.t);
    const expired = await waitFor(() => events.find((e) => e['e'] === 'listenKeyExpired'), 5000, 'expiry');
    expect(expired['listenKey']).toBe(listenKey);
    expect(
      (await call('userDataStream', { method: 'PUT', apiKey, sign: false, params: { listenKey } })).body,
    ).toEqual({
      code: -1125,
      msg: 'This listenKey does not exist.',
    });
    ws.close();
  }, 30_000);
});

describe('sandbox API keys', () => {
  it('creates keys with balances, validates input, and persists accounts atomically', async () => {
    const post = (body: string) =>
      fetch(`${server.httpUrl}/sandbox/api-keys`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json' },
      });
    const res = await post(JSON.stringify({ label: 'mine', balances: { USDT: '250.5', BTC: '0.1' } }));
    expect(res.status).toBe(201);
    const created = (await res.json()) as {
      apiKey: string;
      secret: string;
      balances: Record<string, string>;
    };
    expect(created.apiKey).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(created.secret).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(created.balances).toMatchObject({ USDT: '250.50000000', BTC: '0.10000000', ETH: '0.00000000' });
    const defaults = (await (await post('')).json()) as { balances: Record<string, string> };
    expect(defaults.balances['USDT']).toBe('10000.00000000');
    const bad = await post(JSON.stringify({ balances: { usdt: '-1' } }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/asset names/);
    expect((await post('{nope')).status).toBe(400);
    expect((await post(JSON.stringify({ extra: 1 }))).status).toBe(400);
    await sandbox.close();
    const saved = JSON.parse(readFileSync(join(dir, 'accounts.json'), 'utf8')) as {
      accounts: Array<{ apiKey: string; balances: Record<string, { free: string }> }>;
    };
    const mine = saved.accounts.find((a) => a.apiKey === created.apiKey);
    expect(mine?.balances['USDT']?.free).toBe('250.50000000');
    const reloaded = createSandbox({
      seed: 5,
      historyDays: 0,
      log: silentLog,
      clock,
      accountsFile: join(dir, 'accounts.json'),
    });
    expect(reloaded.accounts.byApiKey(created.apiKey)?.secret).toBe(created.secret);
    // Open orders do not survive a restart, so their locked funds come back as free.
    const solBuyer = [...reloaded.accounts.all()].find(
      (a) => a.balance('USDT').free === 1000n * 100_000_000n,
    );
    expect(solBuyer?.balance('USDT').locked).toBe(0n);
    await reloaded.close();
  });
});
