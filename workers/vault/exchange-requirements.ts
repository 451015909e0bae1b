import { supportedExchanges } from '../exchange/exchanges.js';
import { vaultFailure } from './vault-errors.js';

type RequiredCredentials = Readonly<Record<string, boolean>>;

// ccxt's classes, loaded on demand like the market side's (the same chunk, so nothing extra downloads).
const classes: Record<
  string,
  () => Promise<new (config?: object) => { requiredCredentials: RequiredCredentials }>
> = {
  binance: async () => (await import('../exchange/binance-diffs.js')).BinanceWithDiffs as never,
};

/** ccxt's own list of the credentials an exchange needs, read from its class. */
export async function ccxtRequiredCredentials(exchange: string): Promise<RequiredCredentials> {
  const load = supportedExchanges.includes(exchange) ? classes[exchange] : undefined;
  if (!load) {
    throw vaultFailure(
      'vault-unsupported-exchange',
      `Lyra cannot trade on ${String(exchange).slice(0, 40)} yet; it supports ${supportedExchanges.join(', ')}.`,
    );
  }
  const Exchange = await load();
  return { ...new Exchange({}).requiredCredentials };
}
