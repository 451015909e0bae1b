import { ccxtApiHosts } from './ccxt-api-hosts.js';

export type AllowlistVerdict = { allowed: true } | { allowed: false; host: string; reason: string };

export interface RelayAllowlist {
  /** Exchange host names reachable over https on the default port. */
  readonly hosts: ReadonlySet<string>;
  /** Our own sandbox (e.g. http://localhost:3000): the one origin allowed over plain http. */
  readonly sandboxOrigin: string | undefined;
  check(target: URL): AllowlistVerdict;
}

export interface RelayAllowlistOptions {
  exchanges: string[];
  extraHosts?: string[];
  sandboxOrigin?: string;
}

export function createRelayAllowlist(opts: RelayAllowlistOptions): RelayAllowlist {
  const hosts = new Set<string>();
  for (const id of opts.exchanges) for (const host of ccxtApiHosts(id)) hosts.add(host);
  for (const host of opts.extraHosts ?? []) hosts.add(validHostName(host));
  const sandboxOrigin = opts.sandboxOrigin === undefined ? undefined : validOrigin(opts.sandboxOrigin);

  return {
    hosts,
    sandboxOrigin,
    check(target) {
      const host = target.host;
      const refuse = (reason: string): AllowlistVerdict => ({ allowed: false, host, reason });
      // Checked before the sandbox match: credentials in a URL are never ours to pass on.
      if (target.username !== '' || target.password !== '') return refuse('the URL carries user info');
      if (sandboxOrigin !== undefined && target.origin === sandboxOrigin) return { allowed: true };
      if (target.protocol !== 'https:') return refuse(`only https is relayed, not ${target.protocol}`);
      if (target.port !== '') return refuse('only the default https port is relayed');
      if (isIpLiteral(target.hostname)) return refuse('IP addresses are not relayed');
      if (!hosts.has(target.hostname)) return refuse('the host is not on the allowlist');
      return { allowed: true };
    },
  };
}

// WHATWG URL parsing already turns every IPv4 spelling (0x7f.1, 2130706433...) into dotted quads.
function isIpLiteral(hostname: string): boolean {
  return hostname.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(hostname);
}

function validHostName(host: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(`https://${host}/`);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.hostname !== host.toLowerCase() || isIpLiteral(parsed.hostname))
    throw new Error(`Relay extra host '${host}' must be a bare DNS host name (no scheme, port or path)`);
  return parsed.hostname;
}

function validOrigin(origin: string): string {
  const parsed = new URL(origin);
  const bare = parsed.pathname === '/' && parsed.search === '' && parsed.username === '';
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !bare)
    throw new Error(`Relay sandbox origin '${origin}' must look like http://localhost:3000`);
  return parsed.origin;
}
