/**
 * Asset codes and trading pairs as exchanges write them, turned into Lyra's 'BASE/QUOTE' symbols.
 * Exports without a separator in the pair (Binance `BTCUSDT`, Kraken `XXBTZUSD`) are split at a known
 * quote asset, the longest that ends the pair first.
 */

const byLengthDesc = (a: string, b: string) => b.length - a.length || a.localeCompare(b);

/**
 * Quote assets of Binance's spot markets, longest first. No code here ends with another one, so a pair
 * made of a listed quote can only be split one way. That is why USD (not a Binance quote: with it BNBBUSD
 * could be BNB/BUSD or BNBB/USD) and AEUR (ADAEUR is ADA/EUR) are left out; the Pair export names the
 * quote after its Amount, which splits those pairs anyway.
 */
export const BINANCE_QUOTES: readonly string[] = [
  'USDT',
  'USDC',
  'FDUSD',
  'TUSD',
  'BUSD',
  'USDP',
  'USDS',
  'PAX',
  'UST',
  'DAI',
  'EURI',
  'BTC',
  'ETH',
  'BNB',
  'XRP',
  'TRX',
  'DOGE',
  'DOT',
  'EUR',
  'GBP',
  'AUD',
  'BRL',
  'TRY',
  'RUB',
  'UAH',
  'NGN',
  'ZAR',
  'PLN',
  'RON',
  'ARS',
  'JPY',
  'MXN',
  'COP',
  'CZK',
  'IDRT',
  'BIDR',
  'BKRW',
  'BVND',
  'VAI',
].sort(byLengthDesc);

/** Quotes a generic file may run together with its base: Binance's and the fiat ones of other exchanges. */
const GENERIC_QUOTES: readonly string[] = [...BINANCE_QUOTES, 'USD', 'AEUR', 'CAD', 'CHF', 'KRW'].sort(
  byLengthDesc,
);

/**
 * Kraken's own asset codes: the older assets carry an X (crypto) or Z (fiat) prefix and Bitcoin is XBT,
 * Dogecoin XDG. Codes not listed are already the common ones (DOT, SOL, USDT...).
 */
export const KRAKEN_ASSETS: Readonly<Record<string, string>> = {
  XXBT: 'BTC',
  XBT: 'BTC',
  XXDG: 'DOGE',
  XDG: 'DOGE',
  XETH: 'ETH',
  XETC: 'ETC',
  XLTC: 'LTC',
  XMLN: 'MLN',
  XREP: 'REP',
  XXLM: 'XLM',
  XXMR: 'XMR',
  XXRP: 'XRP',
  XZEC: 'ZEC',
  XICN: 'ICN',
  XNMC: 'NMC',
  XXVN: 'XVN',
  ZUSD: 'USD',
  ZEUR: 'EUR',
  ZGBP: 'GBP',
  ZCAD: 'CAD',
  ZJPY: 'JPY',
  ZAUD: 'AUD',
  ZCHF: 'CHF',
  ZKRW: 'KRW',
};

/**
 * Kraken's quote assets. The X/Z-prefixed codes end the older pairs, whose base is prefixed too
 * (XXBTZUSD, XETHXXBT) or is a stablecoin (USDTZUSD); newer pairs use the plain codes (XTZUSD is
 * XTZ/USD, not XT/ZUSD; ZRXXBT is ZRX/XBT).
 */
const KRAKEN_PREFIXED_QUOTES: readonly string[] = [
  'ZUSD',
  'ZEUR',
  'ZGBP',
  'ZCAD',
  'ZJPY',
  'ZAUD',
  'ZCHF',
  'XXBT',
  'XETH',
];
const KRAKEN_PLAIN_QUOTES: readonly string[] = [
  'PYUSD',
  'USDT',
  'USDC',
  'DAI',
  'USD',
  'EUR',
  'GBP',
  'CAD',
  'JPY',
  'AUD',
  'CHF',
  'XBT',
  'BTC',
  'ETH',
  'DOT',
].sort(byLengthDesc);

/** Bases that come before a prefixed quote: the prefixed codes themselves and stablecoins. */
function takesPrefixedQuote(base: string): boolean {
  return (base.length === 4 && KRAKEN_ASSETS[base] !== undefined) || BINANCE_QUOTES.includes(base);
}

function splitKrakenRunTogether(pair: string): Pair | null {
  for (const quote of KRAKEN_PREFIXED_QUOTES) {
    const base = pair.slice(0, pair.length - quote.length);
    if (pair.endsWith(quote) && takesPrefixedQuote(base)) return { base, quote };
  }
  return splitAtQuote(pair, KRAKEN_PLAIN_QUOTES);
}

const ASSET = /^[A-Z0-9][A-Z0-9.]{0,19}$/;
const SEPARATOR = /[/\-_:]/;

export interface Pair {
  base: string;
  quote: string;
}

/** An asset code in upper case, or null when it is not one (empty, spaces, symbols). */
export function assetCode(text: string): string | null {
  const code = text.trim().toUpperCase();
  return ASSET.test(code) ? code : null;
}

/** Kraken's code for an asset as the common one (XXBT → BTC, ZUSD → USD); other codes unchanged. */
export function krakenAsset(code: string): string {
  const upper = code.trim().toUpperCase();
  return KRAKEN_ASSETS[upper] ?? upper;
}

function splitAtQuote(pair: string, quotes: readonly string[]): Pair | null {
  for (const quote of quotes) {
    if (pair.length > quote.length && pair.endsWith(quote)) {
      const base = pair.slice(0, pair.length - quote.length);
      if (ASSET.test(base)) return { base, quote };
    }
  }
  return null;
}

function splitAtSeparator(pair: string): Pair | null | undefined {
  if (!SEPARATOR.test(pair)) return undefined;
  const parts = pair.split(SEPARATOR);
  if (parts.length !== 2) return null;
  const base = assetCode(parts[0] as string);
  const quote = assetCode(parts[1] as string);
  return base !== null && quote !== null ? { base, quote } : null;
}

/**
 * A Binance pair, run together like `BTCUSDT` (or written BASE/QUOTE), split at the quote asset another
 * column names (`hints`) or else at a known Binance quote. Null when it cannot be split.
 */
export function splitBinancePair(text: string, hints: readonly string[] = []): Pair | null {
  const pair = text.trim().toUpperCase();
  const separated = splitAtSeparator(pair);
  if (separated !== undefined) return separated;
  if (!ASSET.test(pair)) return null;
  return splitAtQuote(pair, [...hints.map((q) => q.toUpperCase()), ...BINANCE_QUOTES]);
}

export type SymbolResult = { ok: true; pair: Pair } | { ok: false; candidates: Pair[] };

/**
 * A generic file's symbol: BASE/QUOTE (or with -, _ or :), or run together when only one known quote
 * asset can end it (BTCUSDT). A symbol that splits several ways (DOTUSD: DOT/USD or DO/TUSD) is not
 * guessed: the candidates come back for the message.
 */
export function splitSymbol(text: string): SymbolResult {
  const pair = text.trim().toUpperCase();
  const separated = splitAtSeparator(pair);
  if (separated !== undefined)
    return separated === null ? { ok: false, candidates: [] } : { ok: true, pair: separated };
  if (!ASSET.test(pair)) return { ok: false, candidates: [] };
  const candidates: Pair[] = [];
  for (const quote of GENERIC_QUOTES) {
    const base = pair.slice(0, pair.length - quote.length);
    if (pair.endsWith(quote) && ASSET.test(base)) candidates.push({ base, quote });
  }
  return candidates.length === 1 ? { ok: true, pair: candidates[0]! } : { ok: false, candidates };
}

/** A Kraken pair (`XXBTZUSD`, `XBTUSDT`, `XBT/USD`) in common codes, or null when it cannot be split. */
export function splitKrakenPair(text: string): Pair | null {
  const pair = text.trim().toUpperCase();
  const separated = splitAtSeparator(pair);
  const split = separated !== undefined ? separated : ASSET.test(pair) ? splitKrakenRunTogether(pair) : null;
  return split === null ? null : { base: krakenAsset(split.base), quote: krakenAsset(split.quote) };
}

export function symbolOf(pair: Pair): string {
  return `${pair.base}/${pair.quote}`;
}
