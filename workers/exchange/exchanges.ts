import type { ExchangeConfig } from '../market/market-service.js';
import type { MarketSource } from '../market/market-source.js';
import { CcxtMarketSource, type CcxtExchange } from './ccxt-source.js';
import { overrideUrls } from './url-overrides.js';

interface ExchangeEntry {
  /** Loaded on demand: each exchange is its own chunk, and only the one in use is downloaded. */
  load: () => Promise<new (config: Record<string, unknown>) => CcxtExchange & { urls: { api: unknown } }>;
  options: Record<string, unknown>;
}

/** The exchanges Lyra can open. Adding one is an entry here (and its alias), not a new engine. */
const exchanges: Record<string, ExchangeEntry> = {
  binance: {
    load: async () => (await import('./binance-diffs.js')).BinanceWithDiffs as never,
    options: {
      defaultType: 'spot',
      // Spot only: loadMarkets is then one request (exchangeInfo), and it works on the sandbox too.
      fetchMarkets: { types: ['spot'] },
      fetchMargins: false,
      fetchCurrencies: false,
      // One socket for all of a screen's streams.
      streamLimits: { spot: 1, margin: 1 },
      // The full 24h ticker (bid, ask, VWAP, change); ccxt's default stream is the mini ticker, and
      // watchTicker reads this option under watchTickers.
      watchTicker: { name: 'ticker' },
      watchTickers: { name: 'ticker' },
      // The tape merges REST trades with the trade stream by id: both must be plain trades (ccxt's
      // default REST method returns aggregate trades, whose ids are another sequence).
      fetchTradesMethod: 'publicGetTrades',
    },
  },
};

export const supportedExchanges = Object.keys(exchanges);

function runsOnNode(): boolean {
  return (
    typeof globalThis.process?.versions?.node === 'string' &&
    !('WorkerGlobalScope' in globalThis) &&
    !('window' in globalThis)
  );
}

/**
 * A ccxt instance of a supported exchange with Lyra's options, pointed at `restUrl`/`wsUrl` when given
 * (the sandbox). `extra` adds constructor settings such as credentials and the relay's proxyUrl.
 */
export async function openExchange<T = CcxtExchange>(
  config: ExchangeConfig,
  extra: Record<string, unknown> = {},
): Promise<T & { urls: { api: unknown } }> {
  const entry = exchanges[config.id];
  if (!entry)
    throw new Error(`Unsupported exchange ${config.id}; Lyra supports ${supportedExchanges.join(', ')}.`);
  const Exchange = await entry.load();
  const ex = new Exchange({ enableRateLimit: true, ...extra, options: entry.options });
  if (config.restUrl || config.wsUrl) ex.urls.api = overrideUrls(ex.urls.api, config.restUrl, config.wsUrl);
  // Under Node (tests, benchmarks) ccxt wants an http agent before it opens a plain ws:// socket;
  // browsers need nothing.
  if (config.wsUrl?.startsWith('ws://') && runsOnNode()) await ex.loadHttpProxyAgent?.();
  return ex as unknown as T & { urls: { api: unknown } };
}

export async function createMarketSource(config: ExchangeConfig): Promise<MarketSource> {
  return new CcxtMarketSource(await openExchange(config));
}
