/**
 * The sandbox exchange: simulated Binance spot markets that the unmodified ccxt binance classes
 * (REST and pro WebSocket) can talk to, so the product runs and is tested with no internet.
 *
 * On creation it simulates `historyDays` of history from the start of the current UTC day minus
 * `historyDays` up to now (same seed, same day => same history), then `start()` keeps the
 * simulation in step with the clock and pushes the streams.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createBinanceRest } from './binance-rest.js';
import { BinanceStreams } from './binance-ws.js';
import { DAY, MINUTE, startOfUtcDay } from './intervals.js';
import { MarketSimulator } from './market-simulator.js';
import { MARKETS } from './markets.js';
import { createMetrics } from './metrics.js';
import { createVenue } from './venue.js';
import { AccountStore } from './private/accounts.js';
import { createAccountWriter, loadAccounts, type AccountWriter } from './private/account-file.js';
import { createApiKey, type NewKeyInput, type NewKeyResult } from './private/api-keys.js';
import { registerPrivateRoutes } from './private/private-rest.js';
import { TradingDesk } from './private/trading-desk.js';
import { UserStreams } from './private/user-streams.js';

export interface SandboxOptions {
  /** SANDBOX_SEED */
  seed: number;
  /** Days of 1m history simulated at startup (default 7). */
  historyDays?: number;
  /** Default Date.now. */
  clock?: { now(): number };
  log: Logger;
  /** Metrics (lyra_sandbox_*) are registered here when given. */
  metrics?: Registry;
  /**
   * JSON file holding the sandbox accounts (API keys, secrets, balances), loaded at start and
   * rewritten (debounced, atomically) after changes. Accounts live in memory only when absent.
   */
  accountsFile?: string;
}

export interface Sandbox {
  /** Mount with app.route('/', sandbox.routes); serves /api/v3/* and POST /sandbox/api-keys. */
  readonly routes: Hono;
  /** Creates a sandbox account (what POST /sandbox/api-keys does). */
  createApiKey(input?: NewKeyInput): NewKeyResult;
  /** The private side: accounts, orders, balances (for tests and tooling). */
  readonly accounts: AccountStore;
  readonly desk: TradingDesk;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Begins the live loop (timers). Idempotent. */
  start(): void;
  /** Runs the model forward to `t` (ms) and pushes stream updates. Earlier times are ignored. */
  advanceTo(t: number): void;
  /** Stops timers and closes sockets. */
  close(): Promise<void>;
  info(): { symbols: string[]; seed: number; historyFrom: number; backfillMs: number; events: number };
}

/** Live loop period: depth@100ms is pushed from here, so this is also the depth stream cadence. */
const TICK_MS = 100;

export function createSandbox(options: SandboxOptions): Sandbox {
  const { seed, log } = options;
  if (!Number.isSafeInteger(seed)) throw new RangeError('sandbox seed must be a safe integer');
  const historyDays = options.historyDays ?? 7;
  if (!Number.isInteger(historyDays) || historyDays < 0) throw new RangeError('historyDays must be >= 0');
  const clock = options.clock ?? { now: () => Date.now() };
  const metrics = createMetrics(options.metrics);

  const createdAt = clock.now();
  const origin = startOfUtcDay(createdAt) - historyDays * DAY;
  const expectedMinutes = Math.ceil((createdAt - origin) / MINUTE) + 2 * 1440;

  log.info({ seed, historyDays, from: new Date(origin).toISOString() }, 'sandbox: simulating history');
  const started = performance.now();
  const sims = MARKETS.map((market) => {
    const t0 = performance.now();
    const sim = new MarketSimulator(market, { seed, origin, expectedMinutes });
    sim.advanceTo(createdAt);
    log.info(
      {
        symbol: market.id,
        events: sim.flow.events,
        trades: sim.trades.count,
        ms: Math.round(performance.now() - t0),
      },
      'sandbox: symbol history ready',
    );
    return sim;
  });
  const backfillMs = performance.now() - started;
  metrics.backfillSeconds.set(backfillMs / 1000);
  // Counters only go up, so they are fed the growth since the last report.
  let reportedEvents = 0;
  const reportedTrades = new Map<MarketSimulator, number>();
  const report = () => {
    let events = 0;
    for (const sim of sims) {
      events += sim.flow.events;
      const before = reportedTrades.get(sim) ?? 0;
      if (sim.trades.count > before) metrics.trades.inc({ symbol: sim.market.id }, sim.trades.count - before);
      reportedTrades.set(sim, sim.trades.count);
    }
    if (events > reportedEvents) metrics.events.inc(events - reportedEvents);
    reportedEvents = events;
  };
  report();
  const totalEvents = sims.reduce((n, s) => n + s.flow.events, 0);
  log.info(
    { ms: Math.round(backfillMs), events: totalEvents, symbols: sims.length },
    'sandbox: history simulated',
  );

  // Depth diffs are recorded from here on: anything earlier is covered by the first snapshot.
  for (const sim of sims) sim.recordDepth = true;

  const venue = createVenue(sims, () => clock.now());
  const accounts = new AccountStore();
  let writer: AccountWriter | null = null;
  if (options.accountsFile !== undefined) {
    const loaded = loadAccounts(options.accountsFile, accounts);
    log.info({ file: options.accountsFile, accounts: loaded }, 'sandbox: accounts loaded');
    writer = createAccountWriter(options.accountsFile, accounts, (err) =>
      log.error({ err }, 'sandbox: could not save accounts'),
    );
    accounts.onChange = writer.schedule;
  }
  const desk = new TradingDesk(venue, accounts);
  const userStreams = new UserStreams(accounts, () => clock.now(), log);
  desk.sink = (account, event) => userStreams.publish(account, event);
  const routes = createBinanceRest(venue, log, metrics, (app) =>
    registerPrivateRoutes(app, { venue, accounts, desk, streams: userStreams, log, metrics }),
  );
  const streams = new BinanceStreams(venue, log, metrics);
  let simulatedTo = createdAt;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const advanceTo = (t: number): void => {
    if (closed || !(t > simulatedTo)) return;
    const t0 = performance.now();
    for (const sim of sims) sim.advanceTo(t);
    simulatedTo = t;
    desk.afterAdvance(t);
    userStreams.expire(t);
    streams.flush(t);
    report();
    metrics.tickSeconds.observe((performance.now() - t0) / 1000);
  };

  return {
    routes,
    accounts,
    desk,
    createApiKey: (input = {}) => createApiKey(accounts, input, clock.now()).result,
    handleUpgrade: (req, socket, head) =>
      userStreams.handleUpgrade(req, socket, head) || streams.handleUpgrade(req, socket, head),
    start() {
      if (timer !== null || closed) return;
      streams.start();
      userStreams.start();
      timer = setInterval(() => {
        try {
          advanceTo(clock.now());
        } catch (err) {
          // A failing step must not kill the server; the next tick retries from the same state.
          log.error({ err }, 'sandbox: live step failed');
        }
      }, TICK_MS);
      timer.unref();
      log.info({ tickMs: TICK_MS }, 'sandbox: live');
    },
    advanceTo,
    async close() {
      closed = true;
      if (timer !== null) clearInterval(timer);
      timer = null;
      writer?.flush();
      await Promise.all([streams.close(), userStreams.close()]);
    },
    info() {
      return {
        symbols: sims.map((s) => s.market.symbol),
        seed,
        historyFrom: origin,
        backfillMs: Math.round(backfillMs),
        events: sims.reduce((n, s) => n + s.flow.events, 0),
      };
    },
  };
}
