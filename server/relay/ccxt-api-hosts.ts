import ccxt, { type Exchange } from 'ccxt';

/**
 * Every https host name in an exchange's `urls.api` table, as ccxt knows it. `urls.test` (testnets)
 * and the documentation links elsewhere in `urls` are deliberately not walked.
 */
export function ccxtApiHosts(exchangeId: string): string[] {
  if (!ccxt.exchanges.includes(exchangeId)) throw new Error(`Unknown ccxt exchange id '${exchangeId}'`);
  const classes = ccxt as unknown as Record<string, new () => Exchange>;
  const ExchangeClass = classes[exchangeId];
  if (!ExchangeClass) throw new Error(`ccxt has no class for exchange id '${exchangeId}'`);
  const exchange = new ExchangeClass();
  const hosts = new Set<string>();
  const api = (exchange.urls as { api?: unknown } | undefined)?.api;
  collectHosts(api, exchange.hostname, hosts);
  return [...hosts].sort();
}

function collectHosts(node: unknown, hostname: string | undefined, into: Set<string>): void {
  if (typeof node === 'string') {
    const host = httpsHostOf(node, hostname);
    if (host) into.add(host);
  } else if (Array.isArray(node)) {
    for (const item of node) collectHosts(item, hostname, into);
  } else if (typeof node === 'object' && node !== null) {
    for (const value of Object.values(node)) collectHosts(value, hostname, into);
  }
}

function httpsHostOf(template: string, hostname: string | undefined): string | undefined {
  const url = hostname ? template.replaceAll('{hostname}', hostname) : template;
  // Other placeholders ({region}, {uid}...) are filled per account; such hosts cannot be known here
  // and are left to the operator's extra hosts.
  if (url.includes('{')) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' || parsed.port !== '') return undefined;
    return parsed.hostname;
  } catch {
    return undefined;
  }
}
