import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createSandbox, type Sandbox } from './index.js';
import { MINUTE } from './intervals.js';
import { ManualClock, silentLog, startServer, waitFor, type RunningServer } from './test-support.js';

const START = Date.UTC(2024, 6, 3, 9, 15, 0, 0);
type Json = Record<string, unknown>;

let sandbox: Sandbox;
let server: RunningServer;
const clock = new ManualClock(START);
const registry = new Registry();

class Client {
  readonly messages: unknown[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(String(data))));
  }

  static async open(path: string): Promise<Client> {
    const ws = new WebSocket(server.wsUrl + path);
    const client = new Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(body: unknown): void {
    this.ws.send(typeof body === 'string' ? body : JSON.stringify(body));
  }

  /** Next control reply with this id. */
  reply(id: unknown): Promise<Json> {
    return waitFor(
      () =>
        this.messages.find((m): m is Json => typeof m === 'object' && m !== null && (m as Json)['id'] === id),
      5000,
      `reply ${String(id)}`,
    );
  }

  events(predicate: (m: Json) => boolean): Json[] {
    return this.messages.filter(
      (m): m is Json => typeof m === 'object' && m !== null && predicate(m as Json),
    );
  }

  /**
   * Resolves once everything the server sent before now has arrived: the reply to a request
   * comes after every push queued ahead of it on the same socket.
   */
  async sync(): Promise<void> {
    const id = `sync-${++syncCounter}`;
    this.send({ method: 'LIST_SUBSCRIPTIONS', id });
    await this.reply(id);
    this.messages.splice(
      this.messages.findIndex((m) => (m as Json)['id'] === id),
      1,
    );
  }

  close(): void {
    this.ws.close();
  }
}

let syncCounter = 0;

/** Moves the simulation (and stream pushes) forward in live-loop sized steps. */
function run(ms: number, step = 100): void {
  const end = clock.t + ms;
  while (clock.t < end) {
    clock.t = Math.min(end, clock.t + step);
    sandbox.advanceTo(clock.t);
  }
}

async function rest<T>(path: string): Promise<T> {
  const res = await fetch(server.httpUrl + path);
  return (await res.json()) as T;
}

beforeAll(async () => {
  sandbox = createSandbox({ seed: 5, historyDays: 1, clock, log: silentLog, metrics: registry });
  server = await startServer(sandbox);
});

afterAll(async () => {
  await sandbox.close();
  await server.close();
});

describe('control messages', () => {
  it('subscribes, lists and unsubscribes', async () => {
    const c = await Client.open('/ws');
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@trade', 'ethusdt@depth@100ms'], id: 1 });
    expect(await c.reply(1)).toEqual({ result: null, id: 1 });
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 2 });
    expect((await c.reply(2))['result']).toEqual(['btcusdt@trade', 'ethusdt@depth@100ms']);
    c.send({ method: 'UNSUBSCRIBE', params: ['btcusdt@trade'], id: 'three' });
    expect(await c.reply('three')).toEqual({ result: null, id: 'three' });
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 4 });
    expect((await c.reply(4))['result']).toEqual(['ethusdt@depth@100ms']);
    c.send({ method: 'GET_PROPERTY', params: ['combined'], id: 5 });
    expect((await c.reply(5))['result']).toBe(false);
    c.close();
  });

  it('answers invalid requests with error code 2', async () => {
    const c = await Client.open('/ws');
    const bad = [
      { method: 'FLY', id: 10 },
      { method: 'SUBSCRIBE', params: ['btcusdt@nothing'], id: 11 },
      { method: 'SUBSCRIBE', params: ['nopeusdt@trade'], id: 12 },
      { method: 'SUBSCRIBE', params: ['BTCUSDT@trade'], id: 13 },
      { method: 'SUBSCRIBE', params: 'btcusdt@trade', id: 14 },
      { method: 'SUBSCRIBE', params: ['btcusdt@kline_7m'], id: 15 },
      { method: 'SUBSCRIBE', params: ['btcusdt@depth7'], id: 16 },
    ];
    for (const b of bad) c.send(b);
    for (const b of bad) {
      const r = await c.reply(b.id);
      expect((r['error'] as Json)['code']).toBe(2);
      expect(typeof (r['error'] as Json)['msg']).toBe('string');
    }
    // A failed SUBSCRIBE subscribes nothing.
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 17 });
    expect((await c.reply(17))['result']).toEqual([]);
    c.close();
  });

  it('logs and drops malformed frames without closing the connection', async () => {
    const before =
      (await registry.getSingleMetric('lyra_sandbox_ws_frames_dropped_total')?.get())?.values[0]?.value ?? 0;
    const c = await Client.open('/ws');
    c.send('this is not json');
    c.send('[1,2,3]');
    c.send('{"method":"SUBSCRIBE"}');
    c.send('{"method":"SUBSCRIBE","params":[],"id":-4}');
    c.ws.send(Buffer.from([0xff, 0x00]), { binary: true });
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 20 });
    expect(await c.reply(20)).toEqual({ result: [], id: 20 });
    expect(c.messages).toHaveLength(1);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    const after =
      (await registry.getSingleMetric('lyra_sandbox_ws_frames_dropped_total')?.get())?.values[0]?.value ?? 0;
    expect(after - before).toBe(5);
    c.close();
  });

  it('subscribes streams named in the path and ignores other segments', async () => {
    const raw = await Client.open('/ws/btcusdt@aggTrade');
    raw.send({ method: 'LIST_SUBSCRIPTIONS', id: 1 });
    expect((await raw.reply(1))['result']).toEqual(['btcusdt@aggTrade']);
    const ccxtStyle = await Client.open('/ws/0');
    ccxtStyle.send({ method: 'LIST_SUBSCRIPTIONS', id: 1 });
    expect((await ccxtStyle.reply(1))['result']).toEqual([]);
    run(10_000);
    await raw.sync();
    await ccxtStyle.sync();
    const aggs = raw.events((m) => m['e'] === 'aggTrade');
    expect(aggs.length).toBeGreaterThan(0);
    expect(Object.keys(aggs[0] ?? {})).toEqual(['e', 'E', 's', 'a', 'p', 'q', 'f', 'l', 'T', 'm', 'M']);
    expect(ccxtStyle.messages).toHaveLength(1);
    raw.close();
    ccxtStyle.close();
  });

  it('refuses upgrades for other paths so other handlers can take them', () => {
    const socket = new Duplex({
      read() {},
      write(_c, _e, cb) {
        cb();
      },
    });
    const req = { url: '/api/other', headers: {} } as IncomingMessage;
    expect(sandbox.handleUpgrade(req, socket, Buffer.alloc(0))).toBe(false);
    expect(
      sandbox.handleUpgrade({ url: '/wsx', headers: {} } as IncomingMessage, socket, Buffer.alloc(0)),
    ).toBe(false);
    socket.destroy();
  });
});

describe('streams', () => {
  it('wraps events on /stream as {stream, data}', async () => {
    const c = await Client.open('/stream?streams=ethusdt@trade/ethusdt@bookTicker');
    run(10_000);
    await c.sync();
    const trades = c.events((m) => m['stream'] === 'ethusdt@trade');
    expect(trades.length).toBeGreaterThan(0);
    const t = trades[0]?.['data'] as Json;
    expect(t).toMatchObject({ e: 'trade', s: 'ETHUSDT', M: true });
    expect(Object.keys(t)).toEqual(['e', 'E', 's', 't', 'p', 'q', 'T', 'm', 'M']);
    const books = c.events((m) => m['stream'] === 'ethusdt@bookTicker');
    expect(books.length).toBeGreaterThan(0);
    expect(Object.keys(books[0]?.['data'] as Json)).toEqual(['u', 's', 'b', 'B', 'a', 'A']);
    // Trade ids arrive in order without gaps.
    const ids = trades.map((m) => (m['data'] as Json)['t'] as number);
    expect(ids.every((id, i) => i === 0 || id === (ids[i - 1] as number) + 1)).toBe(true);
    c.close();
  });

  for (const [name, step] of [
    ['btcusdt@depth@100ms', 100],
    ['btcusdt@depth', 1000],
  ] as const) {
    it(`${name}: diffs chain from the REST snapshot and rebuild the book`, async () => {
      const c = await Client.open(`/ws/${name}`);
      run(2000);
      await c.sync();
      type Depth = { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] };
      const snapshot = await rest<Depth>('/api/v3/depth?symbol=BTCUSDT&limit=5000');
      expect(snapshot.bids.length).toBeLessThan(5000);
      const book = { bids: new Map(snapshot.bids), asks: new Map(snapshot.asks) };
      const seen = c.messages.length;
      run(8000);
      await c.sync();
      const diffs = c.messages.slice(seen) as Json[];
      expect(diffs.length).toBeGreaterThan(step === 100 ? 8 : 4);
      let nonce = snapshot.lastUpdateId;
      let first = true;
      for (const d of diffs) {
        expect(d['e']).toBe('depthUpdate');
        const U = d['U'] as number;
        const u = d['u'] as number;
        if (u <= nonce) continue;
        if (first) expect(U <= nonce + 1 && nonce + 1 <= u).toBe(true);
        else expect(U).toBe(nonce + 1);
        first = false;
        for (const [side, levels] of [
          [book.bids, d['b']],
          [book.asks, d['a']],
        ] as const) {
          for (const [p, q] of levels as [string, string][]) {
            if (Number(q) === 0) side.delete(p);
            else side.set(p, q);
          }
        }
        nonce = u;
      }
      const after = await rest<Depth>('/api/v3/depth?symbol=BTCUSDT&limit=5000');
      expect(nonce).toBe(after.lastUpdateId);
      const sorted = (m: Map<string, string>, desc: boolean) =>
        [...m].sort((a, b) => (desc ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
      expect(sorted(book.bids, true)).toEqual(after.bids);
      expect(sorted(book.asks, false)).toEqual(after.asks);
      c.close();
    });
  }

  it('pushes klines while they change and once more when they close', async () => {
    const c = await Client.open('/ws/solusdt@kline_1m');
    // Go to 5 s before a minute boundary, then across it.
    const boundary = Math.ceil((clock.t + 6000) / MINUTE) * MINUTE;
    run(boundary - 5000 - clock.t, 1000);
    await c.sync();
    const seen = c.messages.length;
    run(15_000, 100);
    await c.sync();
    const klines = (c.messages.slice(seen) as Json[]).map((m) => m['k'] as Json);
    expect(klines.length).toBeGreaterThan(2);
    const closed = klines.filter((k) => k['x'] === true);
    expect(closed).toHaveLength(1);
    expect(closed[0]?.['t']).toBe(boundary - MINUTE);
    expect(closed[0]?.['T']).toBe(boundary - 1);
    expect(klines.at(-1)?.['t']).toBe(boundary);
    expect(klines.at(-1)?.['i']).toBe('1m');
    const rows = await rest<unknown[][]>(
      `/api/v3/klines?symbol=SOLUSDT&interval=1m&startTime=${boundary - MINUTE}&limit=1`,
    );
    const row = rows[0] as unknown[];
    expect([
      closed[0]?.['o'],
      closed[0]?.['h'],
      closed[0]?.['l'],
      closed[0]?.['c'],
      closed[0]?.['v'],
    ]).toEqual(row.slice(1, 6));
    expect(closed[0]?.['n']).toBe(row[8]);
    c.close();
  });

  it('pushes tickers every second', async () => {
    const c = await Client.open(
      '/stream?streams=dogeusdt@ticker/dogeusdt@miniTicker/!miniTicker@arr/xrpusdt@depth5',
    );
    run(3000);
    await c.sync();
    const ticker = c.events((m) => m['stream'] === 'dogeusdt@ticker');
    expect(ticker.length).toBeGreaterThanOrEqual(2);
    const t = ticker[0]?.['data'] as Json;
    expect(t['e']).toBe('24hrTicker');
    for (const k of [
      'e',
      'E',
      's',
      'p',
      'P',
      'w',
      'x',
      'c',
      'Q',
      'b',
      'B',
      'a',
      'A',
      'o',
      'h',
      'l',
      'v',
      'q',
      'O',
      'C',
      'F',
      'L',
      'n',
    ]) {
      expect(t, k).toHaveProperty(k);
    }
    expect((c.events((m) => m['stream'] === 'dogeusdt@miniTicker')[0]?.['data'] as Json)['e']).toBe(
      '24hrMiniTicker',
    );
    const all = c.events((m) => m['stream'] === '!miniTicker@arr')[0]?.['data'] as Json[];
    expect(all).toHaveLength(6);
    const partial = c.events((m) => m['stream'] === 'xrpusdt@depth5')[0]?.['data'] as Json;
    expect((partial['bids'] as unknown[]).length).toBe(5);
    expect(typeof partial['lastUpdateId']).toBe('number');
    c.close();
  });

  it('serves REST with CORS when mounted on a server', async () => {
    const res = await fetch(`${server.httpUrl}/api/v3/ping`, {
      headers: { Origin: 'http://localhost:5173' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('counts connections and messages', async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/lyra_sandbox_ws_connections_total \d+/);
    expect(text).toMatch(/lyra_sandbox_ws_messages_sent_total [1-9]/);
    expect(text).toMatch(/lyra_sandbox_rest_requests_total\{endpoint="depth",status="200"\} [1-9]/);
  });
});
