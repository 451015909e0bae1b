import type { Connection } from '../market/events.js';
import type { FeedStream, MarketProbe } from '../market/market-probe.js';
import { RateWindow } from './rate-window.js';

export const feedStreams: readonly FeedStream[] = ['book', 'trades', 'candles', 'tickers'];

/** One stream of one exchange, as the monitor screen shows it. */
export interface FeedSnapshot {
  exchange: string;
  stream: FeedStream;
  /** Messages per second over the last complete second, and averaged over the last ten. */
  rate1s: number;
  rate10s: number;
  total: number;
  gaps: number;
  resyncs: number;
  reconnects: number;
  lastMessageAt: number | null;
  /** Milliseconds since the last message when the snapshot was taken. */
  lastMessageAgeMs: number | null;
  connection: Connection;
  /** Messages in each of the last 60 seconds, oldest first (the current second last). */
  history: number[];
}

interface FeedCounts {
  rates: RateWindow;
  total: number;
  gaps: number;
  resyncs: number;
  reconnects: number;
  lastMessageAt: number | null;
  /** Failed since its last message: shown as reconnecting whatever the exchange's overall state. */
  failing: boolean;
}

/**
 * The market engine's counters per exchange and stream. Each hook is a map lookup and a few additions:
 * it runs for every exchange message.
 */
export class FeedCounters implements MarketProbe {
  /** By exchange, then stream: two lookups and no string built per message. */
  private readonly feeds = new Map<string, Map<FeedStream, FeedCounts>>();

  constructor(private readonly now: () => number = Date.now) {}

  message(exchange: string, stream: FeedStream, count = 1): void {
    const f = this.feed(exchange, stream);
    const now = this.now();
    f.rates.add(now, count);
    f.total += count;
    f.lastMessageAt = now;
    f.failing = false;
  }

  gap(exchange: string): void {
    this.feed(exchange, 'book').gaps++;
  }

  resync(exchange: string): void {
    this.feed(exchange, 'book').resyncs++;
  }

  reconnect(exchange: string, stream: FeedStream): void {
    const f = this.feed(exchange, stream);
    f.reconnects++;
    f.failing = true;
  }

  /**
   * Every stream of every exchange seen so far. `connection` is the exchange's overall state (offline,
   * connecting...); a stream that failed since its last message says reconnecting even when others flow.
   */
  snapshot(connectionOf: (exchange: string) => Connection): FeedSnapshot[] {
    const now = this.now();
    const out: FeedSnapshot[] = [];
    for (const [exchange, streams] of this.feeds) {
      const overall = connectionOf(exchange);
      for (const [stream, f] of streams)
        out.push({
          exchange,
          stream,
          rate1s: f.rates.rate(now, 1),
          rate10s: f.rates.rate(now, 10),
          total: f.total,
          gaps: f.gaps,
          resyncs: f.resyncs,
          reconnects: f.reconnects,
          lastMessageAt: f.lastMessageAt,
          lastMessageAgeMs: f.lastMessageAt === null ? null : Math.max(0, now - f.lastMessageAt),
          connection: f.failing && overall === 'live' ? 'reconnecting' : overall,
          history: f.rates.series(now, 60),
        });
    }
    return out.sort(
      (a, b) =>
        a.exchange.localeCompare(b.exchange) || feedStreams.indexOf(a.stream) - feedStreams.indexOf(b.stream),
    );
  }

  private feed(exchange: string, stream: FeedStream): FeedCounts {
    let streams = this.feeds.get(exchange);
    if (!streams) {
      streams = new Map();
      this.feeds.set(exchange, streams);
    }
    let f = streams.get(stream);
    if (!f) {
      f = {
        rates: new RateWindow(60),
        total: 0,
        gaps: 0,
        resyncs: 0,
        reconnects: 0,
        lastMessageAt: null,
        failing: false,
      };
      streams.set(stream, f);
    }
    return f;
  }
}
