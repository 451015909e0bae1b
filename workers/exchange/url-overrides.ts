/**
 * Points an exchange's URL table somewhere else (the sandbox, a testnet, a proxy) by replacing the
 * scheme and host of every URL and keeping its path, so the exchange class itself stays unmodified.
 */
export function overrideUrls<T>(urls: T, restBase?: string, wsBase?: string): T {
  const rest = restBase?.replace(/\/+$/, '');
  const ws = wsBase?.replace(/\/+$/, '');
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const m = /^(https?|wss?):\/\/[^/]+(.*)$/.exec(value);
      if (!m) return value;
      const isWs = m[1] === 'ws' || m[1] === 'wss';
      const base = isWs ? ws : rest;
      return base === undefined ? value : base + (m[2] ?? '');
    }
    if (Array.isArray(value)) return value.map(visit);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, visit(v)]),
      );
    }
    return value;
  };
  return visit(urls) as T;
}

/** The WebSocket origin that matches an HTTP origin (http -> ws, https -> wss). */
export function wsOriginFor(httpOrigin: string): string {
  return httpOrigin.replace(/^http/, 'ws');
}
