/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import type { EngineApi } from './api.js';
import { createMarketSource } from './exchange/exchanges.js';
import type { MarketEvent, MarketListener } from './market/events.js';
import { MarketService } from './market/market-service.js';
import { EngineFailure, engineError, type EngineError } from './shared/errors.js';
import { LyraDb } from './store/db.js';
import { MarketStore } from './store/market-store.js';
import { LeaderLink } from './trading/leadership.js';
import { TradingService } from './trading/trading-service.js';
import { TradingStore } from './trading/trading-store.js';
import type { TradingListener } from './trading/api.js';

// The worker's edge: comlink lives here and in src/lib/engine, nowhere else.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const db = new LyraDb();
const market = new MarketService({
  store: new MarketStore(db),
  createSource: createMarketSource,
  online: scope.navigator.onLine,
});
scope.addEventListener('online', () => market.setOnline(true));
scope.addEventListener('offline', () => market.setOnline(false));

const link = new LeaderLink(new BroadcastChannel('lyra-trading'), crypto.randomUUID());
const trading = new TradingService({ store: new TradingStore(db), market: market.access(), link });
let tradingStarted: Promise<void> | null = null;

function startTrading(exchange: string): void {
  if (tradingStarted) return;
  tradingStarted = trading.start(exchange).then(() => {
    // One tab leads (Web Locks); the lock is freed when this worker's tab closes.
    link.campaign(
      scope.navigator.locks ?? null,
      `lyra-trading-leader:${exchange}`,
      () => void trading.lead(),
    );
  });
}

/** Rejections cross as plain EngineError objects so the UI can show them without guessing. */
async function asData<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const error: EngineError =
      e instanceof EngineFailure
        ? e.error
        : typeof e === 'object' && e !== null && typeof (e as EngineError).code === 'string'
          ? (e as EngineError)
          : engineError('internal', `The engine failed: ${e instanceof Error ? e.message : String(e)}`);
    throw error;
  }
}

function buffersOf(events: MarketEvent[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const e of events) {
    if (e.type === 'book') out.push(e.book.bids.buffer as ArrayBuffer, e.book.asks.buffer as ArrayBuffer);
    else if (e.type === 'candles')
      for (const col of Object.values(e.candles)) out.push(col.buffer as ArrayBuffer);
  }
  return [...new Set(out)];
}

let listenerCount = 0;

const api: EngineApi = {
  market: {
    start: (exchange) =>
      asData(async () => {
        const result = await market.start(exchange);
        startTrading(exchange.id);
        return result;
      }),
    focus: (symbol, timeframe) => asData(() => market.focus(symbol, timeframe)),
    setOnline: (online) => asData(() => market.setOnline(online === true)),
    subscribe: (listener: MarketListener) =>
      asData(() => {
        listenerCount++;
        // Typed arrays move (transfer) rather than copy when there is only one page to deliver to.
        return market.subscribe(
          (events) =>
            void listener(listenerCount === 1 ? Comlink.transfer(events, buffersOf(events)) : events),
        );
      }),
    unsubscribe: (id) =>
      asData(() => {
        listenerCount = Math.max(0, listenerCount - 1);
        market.unsubscribe(id);
      }),
    storage: () => asData(() => market.storage()),
    clearCache: () => asData(() => market.clearCache()),
  },
  trading: {
    subscribe: (listener: TradingListener) => asData(() => trading.subscribe((e) => void listener(e))),
    unsubscribe: (id) => asData(() => trading.unsubscribe(id)),
    preview: (r) => asData(() => trading.preview(r)),
    place: (r, id) => asData(() => trading.place(r, id)),
    cancel: (id) => asData(() => trading.cancel(id)),
    amend: (id, change) => asData(() => trading.amend(id, change)),
    closePosition: (symbol) => asData(() => trading.closePosition(symbol)),
    pauseAlgo: (id) => asData(() => trading.pauseAlgo(id)),
    resumeAlgo: (id) => asData(() => trading.resumeAlgo(id)),
    cancelAlgo: (id) => asData(() => trading.cancelAlgo(id)),
    killSwitch: (o) => asData(() => trading.killSwitch(o)),
    rearm: () => asData(() => trading.rearm()),
    setLimits: (input) => asData(() => trading.setLimits(input)),
    configurePaper: (s) => asData(() => trading.configurePaper(s)),
    resetPaper: () => asData(() => trading.resetPaper()),
    audit: (f) => asData(() => trading.audit(f)),
    size: (r) => asData(() => trading.size(r)),
  },
};

Comlink.expose(api);
