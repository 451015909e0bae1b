/**
 * User data streams, both ways Binance offers them:
 *  - listenKey: POST/PUT/DELETE /api/v3/userDataStream, then /ws/<listenKey> (or
 *    /stream?streams=<listenKey>); a key lives 60 minutes unless extended by PUT, and its sockets
 *    get `listenKeyExpired` when it lapses.
 *  - WebSocket API at /ws-api/v3: `userDataStream.subscribe.signature` (what ccxt 4.5.84 uses for
 *    spot watchOrders/watchBalance), or `session.logon` + `userDataStream.subscribe`; events arrive
 *    wrapped as {subscriptionId, event}.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { BinanceError, errors } from '../binance-errors.js';
import { randomKey, type Account, type AccountStore } from './accounts.js';
import { privateErrors } from './private-errors.js';
import { verifyWsSigned } from './signature.js';

export const LISTEN_KEY_TTL_MS = 60 * 60 * 1000;
const HEARTBEAT_MS = 30_000;
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

interface ListenKey {
  readonly key: string;
  readonly account: Account;
  expiresAt: number;
}

interface Socket {
  readonly ws: WebSocket;
  alive: boolean;
  /** Raw or combined listen-key socket. */
  listenKey: ListenKey | null;
  combined: boolean;
  /** WebSocket API: logged-on account and live subscriptions (id -> account). */
  session: Account | null;
  readonly subscriptions: Map<number, Account>;
  nextSubscriptionId: number;
}

type RequestId = string | number | null;

export class UserStreams {
  private readonly keys = new Map<string, ListenKey>();
  private readonly sockets = new Set<Socket>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private heartbeat: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly accounts: AccountStore,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  /** Binance hands back the account's live key (extended) instead of minting a second one. */
  createListenKey(account: Account): string {
    const now = this.now();
    for (const k of this.keys.values()) {
      if (k.account === account && k.expiresAt > now) {
        k.expiresAt = now + LISTEN_KEY_TTL_MS;
        return k.key;
      }
    }
    const key = randomKey(60);
    this.keys.set(key, { key, account, expiresAt: now + LISTEN_KEY_TTL_MS });
    return key;
  }

  keepAlive(account: Account, key: string): void {
    const k = this.liveKey(account, key);
    k.expiresAt = this.now() + LISTEN_KEY_TTL_MS;
  }

  closeListenKey(account: Account, key: string): void {
    const k = this.liveKey(account, key);
    this.keys.delete(k.key);
    for (const s of this.sockets) if (s.listenKey === k) s.ws.close(1000, 'listenKey closed');
  }

  private liveKey(account: Account, key: string): ListenKey {
    const k = this.keys.get(key);
    if (k === undefined || k.account !== account || k.expiresAt <= this.now())
      throw privateErrors.listenKeyNotFound();
    return k;
  }

  /** Sends one user-data event to every stream of the account. */
  publish(account: Account, event: object): void {
    const raw = JSON.stringify(event);
    for (const s of this.sockets) {
      if (s.listenKey?.account === account) {
        this.send(s, s.combined ? `{"stream":${JSON.stringify(s.listenKey.key)},"data":${raw}}` : raw);
      }
      for (const [id, subscribed] of s.subscriptions) {
        if (subscribed === account) this.send(s, `{"subscriptionId":${id},"event":${raw}}`);
      }
    }
  }

  /** Expires lapsed listen keys: their sockets get `listenKeyExpired` and are closed. */
  expire(now: number): void {
    for (const k of this.keys.values()) {
      if (k.expiresAt > now) continue;
      this.keys.delete(k.key);
      const event = JSON.stringify({ e: 'listenKeyExpired', E: now, listenKey: k.key });
      for (const s of this.sockets) {
        if (s.listenKey !== k) continue;
        this.send(s, s.combined ? `{"stream":${JSON.stringify(k.key)},"data":${event}}` : event);
        s.ws.close(1000, 'listenKey expired');
      }
    }
  }

  /** Takes /ws-api/v3, /ws/<listenKey> and /stream?streams=<listenKey>; false for anything else. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    } catch {
      return false;
    }
    const path = url.pathname.replace(/\/$/, '');
    let listenKey: ListenKey | undefined;
    let combined = false;
    if (path === '/ws-api/v3') {
      listenKey = undefined;
    } else if (path.startsWith('/ws/') && this.keys.has(path.slice(4))) {
      listenKey = this.keys.get(path.slice(4));
    } else if (path === '/stream' && this.keys.has(url.searchParams.get('streams') ?? '')) {
      listenKey = this.keys.get(url.searchParams.get('streams') ?? '');
      combined = true;
    } else {
      return false;
    }
    if (this.closed) {
      socket.destroy();
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, listenKey ?? null, combined));
    return true;
  }

  start(): void {
    if (this.heartbeat !== null || this.closed) return;
    this.heartbeat = setInterval(() => {
      for (const s of this.sockets) {
        if (!s.alive) {
          s.ws.terminate();
          continue;
        }
        s.alive = false;
        s.ws.ping();
      }
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    for (const s of this.sockets) s.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket, listenKey: ListenKey | null, combined: boolean): void {
    const s: Socket = {
      ws,
      alive: true,
      listenKey,
      combined,
      session: null,
      subscriptions: new Map(),
      nextSubscriptionId: 0,
    };
    this.sockets.add(s);
    ws.on('pong', () => {
      s.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      try {
        if (listenKey === null) this.onApiRequest(s, data, isBinary);
      } catch (err) {
        this.log.error({ err }, 'sandbox ws-api request failed');
      }
    });
    ws.on('error', (err) => this.log.debug({ err }, 'sandbox user stream socket error'));
    ws.on('close', () => this.sockets.delete(s));
  }

  private send(s: Socket, text: string): void {
    if (s.ws.readyState !== WebSocket.OPEN) return;
    if (s.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      s.ws.terminate();
      return;
    }
    s.ws.send(text);
  }

  private respond(s: Socket, id: RequestId, result: object): void {
    this.send(s, JSON.stringify({ id, status: 200, result }));
  }

  private fail(s: Socket, id: RequestId, err: BinanceError): void {
    this.send(s, JSON.stringify({ id, status: err.status, error: { code: err.code, msg: err.message } }));
  }

  private onApiRequest(s: Socket, data: RawData, isBinary: boolean): void {
    let message: unknown;
    try {
      message = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      message = undefined;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.fail(
        s,
        null,
        new BinanceError(-1000, 'Malformed request: expected a JSON object with id, method and params.'),
      );
      return;
    }
    const m = message as Record<string, unknown>;
    const rawId = m['id'];
    const id: RequestId = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null;
    const params = (typeof m['params'] === 'object' && m['params'] !== null ? m['params'] : {}) as Record<
      string,
      unknown
    >;
    try {
      switch (m['method']) {
        case 'ping':
          this.respond(s, id, {});
          return;
        case 'time':
          this.respond(s, id, { serverTime: this.now() });
          return;
        case 'session.logon':
          s.session = verifyWsSigned(params, this.accounts, this.now());
          this.respond(s, id, {
            apiKey: s.session.apiKey,
            authorizedSince: this.now(),
            serverTime: this.now(),
          });
          return;
        case 'session.logout':
          s.session = null;
          this.respond(s, id, { apiKey: null, serverTime: this.now() });
          return;
        case 'userDataStream.subscribe': {
          if (s.session === null)
            throw new BinanceError(-1002, 'You are not authorized to execute this request.', 401);
          this.respond(s, id, { subscriptionId: this.subscribe(s, s.session) });
          return;
        }
        case 'userDataStream.subscribe.signature': {
          const account = verifyWsSigned(params, this.accounts, this.now());
          this.respond(s, id, { subscriptionId: this.subscribe(s, account) });
          return;
        }
        case 'userDataStream.unsubscribe': {
          const sub = params['subscriptionId'];
          if (sub === undefined) s.subscriptions.clear();
          else if (!s.subscriptions.delete(Number(sub)))
            throw errors.invalidValue('subscriptionId', 'No such subscription.');
          this.respond(s, id, {});
          return;
        }
        default:
          throw new BinanceError(
            -1000,
            `Unknown method ${JSON.stringify(m['method']) ?? 'undefined'}; the sandbox WebSocket API serves ping, time, session.logon, session.logout, userDataStream.subscribe, userDataStream.subscribe.signature and userDataStream.unsubscribe.`,
          );
      }
    } catch (e) {
      if (!(e instanceof BinanceError)) throw e;
      this.fail(s, id, e);
    }
  }

  private subscribe(s: Socket, account: Account): number {
    const subscriptionId = s.nextSubscriptionId++;
    s.subscriptions.set(subscriptionId, account);
    return subscriptionId;
  }
}
