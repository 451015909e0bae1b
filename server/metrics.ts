import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  /** 4xx and 5xx answers by route group and status, for alerting without summing every request. */
  httpErrors: Counter<'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
}

export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lyra_' });
  const httpRequests = new Counter({
    name: 'lyra_http_requests_total',
    help: 'HTTP requests by method, route group and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpErrors = new Counter({
    name: 'lyra_http_errors_total',
    help: 'HTTP answers with a 4xx or 5xx status, by route group and status',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'lyra_http_request_duration_seconds',
    help: 'HTTP request latency by method and route group',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  return { registry, httpRequests, httpErrors, httpDuration };
}

// Label by route group, not raw path: unbounded label values would grow the registry without limit.
export function routeGroup(path: string): string {
  if (path.startsWith('/api/v3/')) return '/api/v3/' + (path.slice(8).split('/')[0] ?? '');
  if (path.startsWith('/auth/')) return '/auth';
  if (path.startsWith('/relay/')) return '/relay';
  if (path === '/backups' || path.startsWith('/backups/')) return '/backups';
  if (path.startsWith('/sandbox/')) return '/sandbox';
  if (path === '/healthz' || path === '/metrics') return path;
  if (path.startsWith('/_app/')) return '/_app';
  return 'static';
}
