/**
 * Reads the exchange URL out of a relay request URL.
 *
 * ccxt 4.5.84 builds `proxyUrl + target` where the target is appended as is when it has no query
 * string and as one encodeURIComponent()'d piece when it has one (Exchange.urlEncoderForProxyUrl).
 * Both forms are accepted; anything else is not a relay request.
 */
export function readRelayTarget(requestUrl: string, mountPrefix: string): string | undefined {
  const url = new URL(requestUrl);
  if (!url.pathname.startsWith(mountPrefix)) return undefined;
  const rest = url.pathname.slice(mountPrefix.length);

  if (/^[a-z][a-z0-9+.-]*%3A/i.test(rest)) {
    // A query outside the encoded target would have to be spliced into it: ambiguous, so refused.
    if (url.search !== '') return undefined;
    try {
      return decodeURIComponent(rest);
    } catch {
      return undefined;
    }
  }
  // Left byte for byte as sent: decoding here would change a path the client may have signed.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) return rest + url.search;
  return undefined;
}

/** The path prefix the relay is mounted under, from Hono's matched route pattern ('/relay/*'). */
export function mountPrefixOf(routePath: string): string {
  const prefix = routePath.replace(/\*$/, '');
  return prefix.endsWith('/') ? prefix : prefix + '/';
}
