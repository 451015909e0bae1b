/**
 * Which headers cross the relay in each direction. Requests keep what the exchange needs to verify
 * a signed call (API-key header, Authorization, Content-Type...) and lose what belongs to our origin
 * or to this one connection. Responses lose whatever would change how the browser treats our origin.
 */

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

const oursNotTheExchanges = new Set([
  'host',
  'origin',
  'referer',
  'cookie',
  // fetch computes it from the bytes it sends.
  'content-length',
  // fetch asks for the encodings it can decode; a browser's list (zstd...) might not be among them.
  'accept-encoding',
  // The user's address and our proxy chain are none of the exchange's business.
  'forwarded',
  'via',
  'x-real-ip',
]);

const oursOnTheWayBack = new Set([
  'set-cookie',
  'set-cookie2',
  // fetch has already decoded and re-framed the body.
  'content-encoding',
  'content-length',
  // Redirects are never passed on.
  'location',
  'refresh',
  // Each of these would apply to our origin, not the exchange's.
  'alt-svc',
  'strict-transport-security',
  'clear-site-data',
  'service-worker-allowed',
  'link',
  'nel',
  'report-to',
  'reporting-endpoints',
  'content-security-policy',
  'content-security-policy-report-only',
  'permissions-policy',
  'origin-agent-cluster',
  'x-frame-options',
]);

const oursOnTheWayBackPrefixes = ['proxy-', 'access-control-', 'cross-origin-'];

/** Tokens listed in Connection are hop-by-hop for this message too (RFC 9110 §7.6.1). */
function namedInConnection(headers: Headers): Set<string> {
  const value = headers.get('connection') ?? '';
  return new Set(
    value
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== ''),
  );
}

export function requestHeadersForExchange(incoming: Headers): Headers {
  const dropped = namedInConnection(incoming);
  const out = new Headers();
  for (const [name, value] of incoming) {
    if (hopByHop.has(name) || oursNotTheExchanges.has(name) || dropped.has(name)) continue;
    if (name.startsWith('sec-') || name.startsWith('proxy-') || name.startsWith('x-forwarded-')) continue;
    out.append(name, value);
  }
  return out;
}

export function responseHeadersForClient(upstream: Headers): Headers {
  const dropped = namedInConnection(upstream);
  const out = new Headers();
  for (const [name, value] of upstream) {
    if (hopByHop.has(name) || oursOnTheWayBack.has(name) || dropped.has(name)) continue;
    if (oursOnTheWayBackPrefixes.some((prefix) => name.startsWith(prefix))) continue;
    out.append(name, value);
  }
  // The answer is served from our origin: if a browser ever renders it, it must run nothing.
  out.set('content-security-policy', "default-src 'none'; sandbox");
  out.set('x-content-type-options', 'nosniff');
  // Account data must not land in the HTTP cache or a service-worker runtime cache.
  out.set('cache-control', 'no-store');
  return out;
}
