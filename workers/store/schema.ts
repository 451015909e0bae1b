/**
 * IndexedDB schema versions. Append a new entry for every change; never edit a published one (users'
 * databases were created from it). Each new version gets an upgrade test that seeds the previous one.
 */
export const schemaVersions: ReadonlyArray<{ version: number; stores: Readonly<Record<string, string>> }> = [
  {
    version: 1,
    stores: {
      markets: '[exchange+symbol], exchange',
      // Candles are column chunks (one row per block of up to 1,000 candles), never a row per candle.
      candleBlocks: '[exchange+symbol+timeframe+start]',
      books: '[exchange+symbol]',
      tickers: '[exchange+symbol], exchange',
      tapes: '[exchange+symbol]',
      settings: 'key',
    },
  },
];
