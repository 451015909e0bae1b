import { Counter, type Registry } from 'prom-client';

export type RelayOutcome =
  | 'forwarded'
  | 'signed-out'
  | 'read-only'
  | 'cross-site'
  | 'bad-target'
  | 'method-not-allowed'
  | 'host-not-allowed'
  | 'too-large'
  | 'rate-limited'
  | 'redirect-refused'
  | 'timeout'
  | 'unreachable';

const metricName = 'lyra_relay_requests_total';

/** Counts relay requests by outcome only: URLs and hosts would be unbounded (and telling) labels. */
export function relayOutcomeCounter(registry: Registry | undefined): (outcome: RelayOutcome) => void {
  if (!registry) return () => undefined;
  const existing = registry.getSingleMetric(metricName) as Counter<'outcome'> | undefined;
  const counter =
    existing ??
    new Counter({
      name: metricName,
      help: 'Relay requests by outcome (forwarded, or why the relay refused or failed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    });
  return (outcome) => counter.inc({ outcome });
}

const bytesMetricName = 'lyra_relay_bytes_total';

/** Body bytes carried each way: what ccxt sent to the exchange and what the exchange answered. */
export function relayByteCounter(
  registry: Registry | undefined,
): (direction: 'to_exchange' | 'from_exchange', bytes: number) => void {
  if (!registry) return () => undefined;
  const existing = registry.getSingleMetric(bytesMetricName) as Counter<'direction'> | undefined;
  const counter =
    existing ??
    new Counter({
      name: bytesMetricName,
      help: 'Relayed body bytes, to the exchange and back from it',
      labelNames: ['direction'] as const,
      registers: [registry],
    });
  return (direction, bytes) => {
    if (bytes > 0) counter.inc({ direction }, bytes);
  };
}
