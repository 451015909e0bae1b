/**
 * Prometheus metrics of the sandbox exchange (names prefixed lyra_sandbox_). Without a registry
 * the metrics still exist but are registered nowhere, so callers never branch on it.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface SandboxMetrics {
  wsConnections: Gauge;
  wsConnectionsTotal: Counter;
  wsSubscriptions: Gauge;
  wsMessagesSent: Counter;
  wsMessagesReceived: Counter;
  wsFramesDropped: Counter;
  restRequests: Counter<'endpoint' | 'status'>;
  restSeconds: Histogram<'endpoint'>;
  events: Counter;
  trades: Counter<'symbol'>;
  backfillSeconds: Gauge;
  tickSeconds: Histogram;
}

export function createMetrics(registry?: Registry): SandboxMetrics {
  const registers = registry === undefined ? [] : [registry];
  // A sandbox created again on the same registry (restart in tests, hot reload) takes the names over.
  const fresh = (name: string) => {
    registry?.removeSingleMetric(name);
    return { name, registers };
  };
  return {
    wsConnections: new Gauge({
      ...fresh('lyra_sandbox_ws_connections'),
      help: 'Open sandbox WebSocket connections',
    }),
    wsConnectionsTotal: new Counter({
      ...fresh('lyra_sandbox_ws_connections_total'),
      help: 'Sandbox WebSocket connections accepted',
    }),
    wsSubscriptions: new Gauge({
      ...fresh('lyra_sandbox_ws_subscriptions'),
      help: 'Stream subscriptions across open sandbox connections',
    }),
    wsMessagesSent: new Counter({
      ...fresh('lyra_sandbox_ws_messages_sent_total'),
      help: 'Messages sent to sandbox WebSocket clients',
    }),
    wsMessagesReceived: new Counter({
      ...fresh('lyra_sandbox_ws_messages_received_total'),
      help: 'Messages received from sandbox WebSocket clients',
    }),
    wsFramesDropped: new Counter({
      ...fresh('lyra_sandbox_ws_frames_dropped_total'),
      help: 'Malformed client frames logged and dropped',
    }),
    restRequests: new Counter({
      ...fresh('lyra_sandbox_rest_requests_total'),
      help: 'Sandbox REST requests by endpoint and HTTP status',
      labelNames: ['endpoint', 'status'] as const,
    }),
    restSeconds: new Histogram({
      ...fresh('lyra_sandbox_rest_request_duration_seconds'),
      help: 'Sandbox REST handler time',
      labelNames: ['endpoint'] as const,
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
    }),
    events: new Counter({ ...fresh('lyra_sandbox_events_total'), help: 'Order-flow events simulated' }),
    trades: new Counter({
      ...fresh('lyra_sandbox_trades_total'),
      help: 'Trades executed by the sandbox matching engines',
      labelNames: ['symbol'] as const,
    }),
    backfillSeconds: new Gauge({
      ...fresh('lyra_sandbox_backfill_seconds'),
      help: 'Time spent simulating the history at startup',
    }),
    tickSeconds: new Histogram({
      ...fresh('lyra_sandbox_tick_seconds'),
      help: 'Live loop step time (simulate + push streams)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    }),
  };
}
