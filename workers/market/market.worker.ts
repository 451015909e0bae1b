/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { createMarketSource } from '../exchange/exchanges.js';
import { EngineFailure, engineError, type EngineError } from '../shared/errors.js';
import { LyraDb } from '../store/db.js';
import { MarketStore } from '../store/market-store.js';
import type { MarketApi } from './api.js';
import type { MarketEvent, MarketListener } from './events.js';
import { MarketService } from './market-service.js';

// The worker's edge: comlink lives here and in src/lib/engine, nowhere else.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const service = new MarketService({
  store: new MarketStore(new LyraDb()),
  createSource: createMarketSource,
  online: scope.navigator.onLine,
});
scope.addEventListener('online', () => service.setOnline(true));
scope.addEventListener('offline', () => service.setOnline(false));

/** Rejections cross as plain EngineError objects so the UI can show them without guessing. */
async function asData<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const error: EngineError =
      e instanceof EngineFailure
        ? e.error
        : engineError('internal', `The market engine failed: ${e instanceof Error ? e.message : String(e)}`);
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

const api: MarketApi = {
  start: (exchange) => asData(() => service.start(exchange)),
  focus: (symbol, timeframe) => asData(() => service.focus(symbol, timeframe)),
  setOnline: (online) => asData(() => service.setOnline(online === true)),
  subscribe: (listener: MarketListener) =>
    asData(() => {
      listenerCount++;
      // Typed arrays move (transfer) rather than copy when there is only one page to deliver to.
      return service.subscribe(
        (events) => void listener(listenerCount === 1 ? Comlink.transfer(events, buffersOf(events)) : events),
      );
    }),
  unsubscribe: (id) =>
    asData(() => {
      listenerCount = Math.max(0, listenerCount - 1);
      service.unsubscribe(id);
    }),
  storage: () => asData(() => service.storage()),
  clearCache: () => asData(() => service.clearCache()),
};

Comlink.expose(api);
