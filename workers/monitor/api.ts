import type { FeedStatus } from '../market/events.js';
import type { FeedSnapshot } from './feed-counters.js';
import type { HistogramSnapshot } from './histogram.js';
import type { LoopLagSnapshot } from './loop-lag.js';

export type { FeedSnapshot } from './feed-counters.js';
export type { HistogramSnapshot } from './histogram.js';
export type { LoopLagSnapshot } from './loop-lag.js';
export type { FeedStream } from '../market/market-probe.js';

export interface QueueDepth {
  /** Items waiting now. */
  depth: number;
  /** The most waiting at once since the previous snapshot. */
  peak: number;
}

/** The engine worker's health at one moment: feeds, order latency, queues and its own event loop. */
export interface MonitorSnapshot {
  /** Epoch ms when it was taken. */
  at: number;
  /** The market engine's overall feed state; null before it started. */
  feed: FeedStatus | null;
  feeds: FeedSnapshot[];
  /** From an order's send to its first acknowledgement (the exchange's reply, or the paper matcher), ms. */
  orderRoundTrip: HistogramSnapshot;
  /** The trading engine's one ordered queue. */
  tradingQueue: QueueDepth;
  /** Market events waiting for the next batch to the page. */
  marketPending: QueueDepth;
  /** The worker's event-loop lag (a timer's lateness); sampled while someone subscribes. */
  loopLag: LoopLagSnapshot;
}

export type MonitorListener = (snapshot: MonitorSnapshot) => void;

/** The monitor domain's part of the engine API. */
export interface MonitorApi {
  snapshot(): Promise<MonitorSnapshot>;
  /** Calls the listener with a snapshot at once and then about once a second; returns its id. */
  subscribe(listener: MonitorListener): Promise<number>;
  unsubscribe(id: number): Promise<void>;
}
