import binance from 'lyra-ccxt/binance';

type Client = Parameters<binance['handleOrderBook']>[0];
type DepthSink = (message: unknown) => void;

/**
 * ccxt's Binance class, unmodified except at one seam: raw depth diffs go to Lyra's own book (typed
 * arrays, sequence checks, resnapshot on gaps) instead of ccxt's. Subscribing, the socket, pings and
 * reconnects stay ccxt's.
 */
export class BinanceWithDiffs extends binance {
  private readonly depthSinks = new Map<string, DepthSink>();

  /** Routes diffs for one exchange market id (e.g. BTCUSDT) to `sink`. */
  setDepthSink(marketId: string, sink: DepthSink): void {
    this.depthSinks.set(marketId, sink);
  }

  /** Stops routing to `sink`, unless a newer watcher of the same market has replaced it meanwhile. */
  removeDepthSink(marketId: string, sink: DepthSink): void {
    if (this.depthSinks.get(marketId) === sink) this.depthSinks.delete(marketId);
  }

  override handleOrderBook(_client: Client, message: unknown): void {
    const id = typeof message === 'object' && message !== null ? (message as { s?: unknown }).s : undefined;
    if (typeof id === 'string') this.depthSinks.get(id)?.(message);
  }

  // ccxt would build its own book and fetch a snapshot here; Lyra does both itself.
  override handleOrderBookSubscription(_client: Client, _message: unknown, _subscription: unknown): void {}
}
