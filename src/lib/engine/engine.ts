import * as Comlink from 'comlink';
import type {
  EngineError,
  ExchangeConfig,
  MarketApi,
  MarketListener,
  StartResult,
  StorageReport,
  Timeframe,
} from '$workers/api';

/**
 * The UI's only door to the engine. Comlink stays here: screens call typed async functions and get
 * EngineError data back when something fails.
 */
export interface Engine {
  market: {
    start(exchange: ExchangeConfig): Promise<StartResult>;
    focus(symbol: string, timeframe: Timeframe): Promise<void>;
    setOnline(online: boolean): Promise<void>;
    subscribe(listener: MarketListener): Promise<() => void>;
    storage(): Promise<StorageReport>;
    clearCache(): Promise<void>;
  };
}

let instance: Engine | null = null;

export function isEngineError(x: unknown): x is EngineError {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as EngineError).code === 'string' &&
    typeof (x as EngineError).message === 'string'
  );
}

/** Anything thrown across the boundary, as an EngineError. */
export function toEngineError(e: unknown): EngineError {
  if (isEngineError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'ui', message, retryable: false };
}

export function engine(): Engine {
  if (instance) return instance;
  const worker = new Worker(new URL('../../../workers/market/market.worker.ts', import.meta.url), {
    type: 'module',
    name: 'lyra-market',
  });
  const market = Comlink.wrap<MarketApi>(worker);
  instance = {
    market: {
      start: (exchange) => market.start(exchange),
      focus: (symbol, timeframe) => market.focus(symbol, timeframe),
      setOnline: (online) => market.setOnline(online),
      async subscribe(listener) {
        const id = await market.subscribe(Comlink.proxy(listener));
        return () => void market.unsubscribe(id);
      },
      storage: () => market.storage(),
      clearCache: () => market.clearCache(),
    },
  };
  return instance;
}
