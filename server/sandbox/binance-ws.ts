/**
 * Binance market-data WebSocket streams over the simulated markets (`ws` in noServer mode).
 *
 * Raw endpoints (/ws, /ws/<stream>...) send bare events; /stream?streams=a/b wraps them as
 * {stream, data}. Clients (un)subscribe with Binance's JSON control messages. Events are produced
 * by `flush`, which the live loop calls right after advancing the simulation: depth diffs, trades
 * and book tickers every call (~100 ms), depth@1000ms, klines and tickers once per second.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  bookLevels,
  wsAggTrade,
  wsBookTicker,
  wsDepthUpdate,
  wsKline,
  wsMiniTicker,
  wsTicker,
  wsTrade,
} from './binance-format.js';
import type { MarketSimulator, TickerStats } from './market-simulator.js';
import { BUY, SELL } from './matching-engine.js';
import type { SandboxMetrics } from './metrics.js';
import { parseStream, type StreamSpec } from './stream-names.js';
import type { Venue } from './venue.js';

const MAX_STREAMS_PER_CONNECTION = 1024;
/** A client this far behind is not reading; dropping it protects the server's memory. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;
/** Unchanged candles are still re-sent this often, so a quiet market does not look dead. */
const KLINE_KEEPALIVE_MS = 5_000;

interface Client {
  readonly id: number;
  readonly ws: WebSocket;
  combined: boolean;
  readonly streams: Set<string>;
  alive: boolean;
}

interface Stream {
  readonly name: string;
  readonly spec: StreamSpec;
  readonly clients: Set<Client>;
  /** kline: open time and store version last pushed; partial depth: last update id pushed. */
  lastOpen: number;
  lastVersion: number;
  lastPush: number;
  /** Push on the next tick even if nothing changed (a client just subscribed). */
  pending: boolean;
}

interface SymbolCursor {
  tradeEnd: number;
  aggEnd: number;
  bookKey: string;
}

type RequestId = number | string | null;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class BinanceStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<Client>();
  private readonly streams = new Map<string, Stream>();
  private readonly cursors = new Map<MarketSimulator, SymbolCursor>();
  private nextClientId = 1;
  private lastSecond = -1;
  private heartbeat: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly venue: Venue,
    private readonly log: Logger,
    private readonly metrics: SandboxMetrics,
  ) {
    for (const sim of venue.byId.values()) {
      this.cursors.set(sim, { tradeEnd: sim.trades.endId, aggEnd: sim.aggTrades.endId, bookKey: '' });
    }
  }

  /** Takes WebSocket upgrades for /ws, /ws/... and /stream; returns false for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    } catch {
      return false;
    }
    const path = url.pathname;
    const raw = path === '/ws' || path.startsWith('/ws/');
    const combined = path === '/stream' || path === '/stream/';
    if (!raw && !combined) return false;
    if (this.closed) {
      socket.destroy();
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const names = combined
        ? (url.searchParams.get('streams') ?? '').split('/')
        : path.split('/').slice(2).map(decodeSegment);
      this.accept(ws, combined, names);
    });
    return true;
  }

  /** Starts the ping/pong heartbeat that drops dead connections. Idempotent. */
  start(): void {
    if (this.heartbeat !== null || this.closed) return;
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const client of this.clients) client.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** Pushes everything that changed since the previous call; `now` is the simulation time. */
  flush(now: number): void {
    const second = Math.floor(now / 1000);
    const slow = second !== this.lastSecond;
    this.lastSecond = second;
    for (const sim of this.venue.byId.values()) this.flushSymbol(sim, now, slow);
    if (slow) this.flushPeriodic(now);
  }

  private flushSymbol(sim: MarketSimulator, now: number, slow: boolean): void {
    const cursor = this.cursors.get(sim) as SymbolCursor;
    const m = sim.market;
    const sid = m.streamId;
    const trades = this.streams.get(`${sid}@trade`);
    if (trades !== undefined) {
      for (let id = Math.max(cursor.tradeEnd, sim.trades.oldestId); id < sim.trades.endId; id++) {
        this.publish(trades, JSON.stringify(wsTrade(m, sim.trades, id, now)));
      }
    }
    cursor.tradeEnd = sim.trades.endId;
    const aggs = this.streams.get(`${sid}@aggTrade`);
    if (aggs !== undefined) {
      for (let id = Math.max(cursor.aggEnd, sim.aggTrades.oldestId); id < sim.aggTrades.endId; id++) {
        this.publish(aggs, JSON.stringify(wsAggTrade(m, sim.aggTrades, id, now)));
      }
    }
    cursor.aggEnd = sim.aggTrades.endId;
    // Diffs are taken even without subscribers so a new subscriber starts from a clean boundary.
    const fast = sim.depthFast.take();
    const fastStream = this.streams.get(`${sid}@depth@100ms`);
    if (fast !== null && fastStream !== undefined)
      this.publish(fastStream, JSON.stringify(wsDepthUpdate(m, fast, now)));
    if (slow) {
      const change = sim.depthSlow.take();
      if (change !== null) {
        const payload = JSON.stringify(wsDepthUpdate(m, change, now));
        for (const name of [`${sid}@depth`, `${sid}@depth@1000ms`]) {
          const stream = this.streams.get(name);
          if (stream !== undefined) this.publish(stream, payload);
        }
      }
    }
    const books = this.streams.get(`${sid}@bookTicker`);
    if (books !== undefined) {
      const bid = sim.engine.bestBid();
      const ask = sim.engine.bestAsk();
      const key = `${bid?.price}:${bid?.total}:${ask?.price}:${ask?.total}`;
      if (key !== cursor.bookKey || books.pending) {
        books.pending = false;
        cursor.bookKey = key;
        this.publish(books, JSON.stringify(wsBookTicker(sim)));
      }
    }
    for (const levels of [5, 10, 20]) {
      const stream = this.streams.get(`${sid}@depth${levels}@100ms`);
      if (stream !== undefined) this.publishPartial(stream, sim, levels);
      if (slow) {
        for (const name of [`${sid}@depth${levels}`, `${sid}@depth${levels}@1000ms`]) {
          const s = this.streams.get(name);
          if (s !== undefined) this.publishPartial(s, sim, levels);
        }
      }
    }
  }

  private publishPartial(stream: Stream, sim: MarketSimulator, levels: number): void {
    const updateId = sim.engine.updateId;
    if (updateId === stream.lastVersion && !stream.pending) return;
    stream.lastVersion = updateId;
    stream.pending = false;
    this.publish(
      stream,
      JSON.stringify({
        lastUpdateId: updateId,
        bids: bookLevels(sim, BUY, levels),
        asks: bookLevels(sim, SELL, levels),
      }),
    );
  }

  /** Once-a-second streams: klines and tickers. */
  private flushPeriodic(now: number): void {
    const tickers = new Map<MarketSimulator, TickerStats>();
    const statsOf = (sim: MarketSimulator): TickerStats => {
      let stats = tickers.get(sim);
      if (stats === undefined) {
        stats = sim.ticker(now);
        tickers.set(sim, stats);
      }
      return stats;
    };
    for (const stream of this.streams.values()) {
      const spec = stream.spec;
      switch (spec.kind) {
        case 'kline':
          this.publishKline(stream, spec.sim, spec, now);
          break;
        case 'ticker':
          this.publish(stream, JSON.stringify(wsTicker(spec.sim.market, statsOf(spec.sim), now)));
          break;
        case 'miniTicker':
          this.publish(stream, JSON.stringify(wsMiniTicker(spec.sim.market, statsOf(spec.sim), now)));
          break;
        case 'allTickers':
          this.publish(
            stream,
            JSON.stringify(
              [...this.venue.byId.values()].map((sim) => wsTicker(sim.market, statsOf(sim), now)),
            ),
          );
          break;
        case 'allMiniTickers':
          this.publish(
            stream,
            JSON.stringify(
              [...this.venue.byId.values()].map((sim) => wsMiniTicker(sim.market, statsOf(sim), now)),
            ),
          );
          break;
        default:
          break;
      }
    }
  }

  private publishKline(
    stream: Stream,
    sim: MarketSimulator,
    spec: Extract<StreamSpec, { kind: 'kline' }>,
    now: number,
  ): void {
    const interval = spec.interval;
    const open = interval.floor(now);
    const store = sim.klines;
    if (stream.lastOpen >= 0 && stream.lastOpen < open) {
      // The candle we were updating has closed: send its final state once, with x = true.
      const closed = store.aggregate(stream.lastOpen, interval.next(stream.lastOpen));
      if (closed !== null)
        this.publish(stream, JSON.stringify(wsKline(sim.market, interval, closed, now, true)));
    }
    const changed = stream.lastOpen !== open || stream.lastVersion !== store.version;
    if (!changed && !stream.pending && now - stream.lastPush < KLINE_KEEPALIVE_MS) return;
    const candle = store.aggregate(open, interval.next(open));
    if (candle === null) return;
    stream.lastOpen = open;
    stream.lastVersion = store.version;
    stream.lastPush = now;
    stream.pending = false;
    this.publish(stream, JSON.stringify(wsKline(sim.market, interval, candle, now, false)));
  }

  private publish(stream: Stream, payload: string): void {
    let wrapped: string | null = null;
    for (const client of stream.clients) {
      if (client.combined) {
        wrapped ??= `{"stream":${JSON.stringify(stream.name)},"data":${payload}}`;
        this.send(client, wrapped);
      } else {
        this.send(client, payload);
      }
    }
  }

  private send(client: Client, text: string): void {
    const ws = client.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn({ client: client.id }, 'sandbox ws client too slow, dropping it');
      ws.terminate();
      return;
    }
    ws.send(text);
    this.metrics.wsMessagesSent.inc();
  }

  private accept(ws: WebSocket, combined: boolean, initial: string[]): void {
    const client: Client = { id: this.nextClientId++, ws, combined, streams: new Set(), alive: true };
    this.clients.add(client);
    this.metrics.wsConnections.set(this.clients.size);
    this.metrics.wsConnectionsTotal.inc();
    for (const name of initial) {
      if (name === '') continue;
      const spec = parseStream(name, this.venue);
      // Path segments that are not streams (ccxt's stream index "0", a future listenKey) are ignored.
      if (typeof spec !== 'string') this.subscribe(client, name, spec);
    }
    this.log.debug({ client: client.id, combined, streams: [...client.streams] }, 'sandbox ws connected');
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      try {
        this.onMessage(client, data, isBinary);
      } catch (err) {
        // A bug in request handling must cost one request, not the process.
        this.log.error({ client: client.id, err }, 'sandbox ws request failed');
      }
    });
    ws.on('error', (err) => this.log.debug({ client: client.id, err }, 'sandbox ws socket error'));
    ws.on('close', () => {
      for (const name of client.streams) this.unsubscribe(client, name);
      this.clients.delete(client);
      this.metrics.wsConnections.set(this.clients.size);
      this.log.debug({ client: client.id }, 'sandbox ws closed');
    });
  }

  private beat(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }

  private subscribe(client: Client, name: string, spec: StreamSpec): void {
    if (client.streams.has(name)) return;
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = { name, spec, clients: new Set(), lastOpen: -1, lastVersion: -1, lastPush: 0, pending: true };
      this.streams.set(name, stream);
    }
    stream.pending = true;
    stream.clients.add(client);
    client.streams.add(name);
    this.metrics.wsSubscriptions.inc();
  }

  private unsubscribe(client: Client, name: string): void {
    if (!client.streams.delete(name)) return;
    const stream = this.streams.get(name);
    if (stream === undefined) return;
    stream.clients.delete(client);
    if (stream.clients.size === 0) this.streams.delete(name);
    this.metrics.wsSubscriptions.dec();
  }

  private reply(client: Client, body: object): void {
    this.send(client, JSON.stringify(body));
  }

  private fail(client: Client, id: RequestId, msg: string): void {
    this.reply(client, { error: { code: 2, msg }, id });
  }

  private onMessage(client: Client, data: RawData, isBinary: boolean): void {
    this.metrics.wsMessagesReceived.inc();
    let message: unknown;
    try {
      message = isBinary ? undefined : JSON.parse(rawText(data));
    } catch {
      message = undefined;
    }
    const id = isRecord(message) ? message['id'] : undefined;
    const validId =
      id === null || typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id) && id >= 0);
    if (!isRecord(message) || !validId) {
      this.metrics.wsFramesDropped.inc();
      this.log.warn(
        { client: client.id, frame: rawText(data).slice(0, 200) },
        'sandbox ws dropped a malformed frame',
      );
      return;
    }
    const method = message['method'];
    const params = message['params'];
    switch (method) {
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        if (!Array.isArray(params) || params.length === 0 || !params.every((p) => typeof p === 'string')) {
          this.fail(
            client,
            id,
            `Invalid request: ${method} needs 'params' as a non-empty array of stream names.`,
          );
          return;
        }
        const names = params as string[];
        const specs: StreamSpec[] = [];
        for (const name of names) {
          const spec = parseStream(name, this.venue);
          if (typeof spec === 'string') {
            this.fail(client, id, `Invalid request: ${spec}`);
            return;
          }
          specs.push(spec);
        }
        if (method === 'SUBSCRIBE') {
          const added = new Set(names.filter((n) => !client.streams.has(n))).size;
          if (client.streams.size + added > MAX_STREAMS_PER_CONNECTION) {
            this.fail(
              client,
              id,
              `Invalid request: at most ${MAX_STREAMS_PER_CONNECTION} streams per connection.`,
            );
            return;
          }
          names.forEach((name, i) => this.subscribe(client, name, specs[i] as StreamSpec));
        } else {
          for (const name of names) this.unsubscribe(client, name);
        }
        this.reply(client, { result: null, id });
        return;
      }
      case 'LIST_SUBSCRIPTIONS':
        this.reply(client, { result: [...client.streams], id });
        return;
      case 'SET_PROPERTY':
        if (Array.isArray(params) && params[0] === 'combined' && typeof params[1] === 'boolean') {
          client.combined = params[1];
          this.reply(client, { result: null, id });
        } else {
          this.fail(client, id, "Invalid request: SET_PROPERTY expects params ['combined', true|false].");
        }
        return;
      case 'GET_PROPERTY':
        if (Array.isArray(params) && params[0] === 'combined') {
          this.reply(client, { result: client.combined, id });
        } else {
          this.fail(client, id, "Invalid request: GET_PROPERTY expects params ['combined'].");
        }
        return;
      default:
        this.fail(
          client,
          id,
          `Invalid request: unknown method ${JSON.stringify(method) ?? 'undefined'}; expected SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY or GET_PROPERTY.`,
        );
    }
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
