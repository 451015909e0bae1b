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

  /** Routes diffs for one exchange market id (e.g. BTCUSDT) to `sink`, or stops routing them. */
  setDepthSink(marketId: string, sink: DepthSink | undefined): void {
    if (sink) this.depthSinks.set(marketId, sink);
    else this.depthSinks.delete(marketId);
  }

  override handleOrderBook(_client: Client, message: unknown): void {
    const id = typeof message === 'object' && message !== null ? (message as { s?: unknown }).s : undefined;
    if (typeof id === 'string') this.depthSinks.get(id)?.(message);
  }

  // ccxt would build its own book and fetch a snapshot here; Lyra does both itself.
  override handleOrderBookSubscription(_client: Client, _message: unknown, _subscription: unknown): void {}
}
