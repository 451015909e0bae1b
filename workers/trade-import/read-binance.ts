import { Decimal } from '../money/decimal.js';
import { assetCode, splitBinancePair, symbolOf, type Pair } from './assets.js';
import {
  readDecimal,
  readSide,
  readWithAsset,
  readWritten,
  type DecimalRules,
  type WithAsset,
  type Written,
} from './cells.js';
import { checkTotal, take, type Row, type RowReader } from './row.js';
import { parseTradeTime } from './trade-time.js';

/**
 * Binance's spot trade history, in its two column sets:
 * - `Date(UTC),Pair,Side,Price,Executed,Amount,Fee`: Executed is the base amount, Amount the quote
 *   amount and Fee the fee, each with its asset written after it (`0.0100BTC`, `250.00USDT`, `0.00001BNB`);
 * - `Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin`: Amount is the base amount, Total the quote
 *   amount, the fee's asset in Fee Coin.
 * Pairs are written run together (BTCUSDT) and split at a known quote asset. Times are in the zone the
 * date column names (UTC unless the export chose another, `Date(UTC+8)`). Binance groups thousands in
 * large numbers ("29,500.00"), so commas between groups of three digits are read as that; in a file
 * separated by semicolons (re-saved by a spreadsheet set to decimal commas) a comma in a number is
 * refused instead, since "0,123" there means 0.123, not 123.
 *
 * The quote amount (Amount, Total) is what was paid or received, so it is the fill's quote; the price is
 * rounded, and must agree with it to its rounding (see `checkTotal`).
 */

/** Thousands grouping, unless the file's semicolons say its commas are decimal commas. */
function grouping(delimiter: string): Pick<DecimalRules, 'grouped' | 'delimiter'> {
  return { grouped: delimiter !== ';', delimiter };
}

function readTime(row: Row, utcOffsetMinutes: number): number | null {
  return take(
    row,
    'date',
    parseTradeTime(row.cell('date'), { offsetMinutes: utcOffsetMinutes, epoch: 'none' }),
  );
}

function unknownPair(row: Row, field: string): null {
  const text = row.cell(field).trim();
  row.problem(
    field,
    text === ''
      ? 'empty: give the market, e.g. BTCUSDT'
      : `cannot tell the base from the quote asset in "${text.slice(0, 40)}": its quote asset is not one Lyra knows; write it as BASE/QUOTE, e.g. BTC/USDT`,
  );
  return null;
}

/** Checks an amount's written asset against the one the pair says it is in. */
function inAsset(
  row: Row,
  field: string,
  read: WithAsset | null,
  asset: string,
  role: string,
): Written | null {
  if (read === null) return null;
  if (read.asset !== null && read.asset !== asset) {
    row.problem(
      field,
      `is in ${read.asset}, but the pair's ${role} asset is ${asset}: check the Pair column`,
    );
    return null;
  }
  return read;
}

export const readBinanceRow: RowReader = (row, { utcOffsetMinutes, delimiter }) => {
  const commas = grouping(delimiter);
  const time = readTime(row, utcOffsetMinutes);
  const side = take(row, 'side', readSide(row.cell('side')));
  const price = take(
    row,
    'price',
    readWritten(row.cell('price'), { what: 'the price', sign: 'positive', ...commas }),
  );
  // The quote asset Amount is written in says where the pair splits when the quote is not a known one.
  const quoteHint = /[\d.]\s*([A-Za-z][A-Za-z0-9]*)$/.exec(row.cell('amount').trim())?.[1];
  const pair: Pair | null = splitBinancePair(row.cell('pair'), quoteHint === undefined ? [] : [quoteHint]);
  if (pair === null) return unknownPair(row, 'pair');
  const executed = inAsset(
    row,
    'executed',
    take(
      row,
      'executed',
      readWithAsset(row.cell('executed'), [pair.base], {
        what: 'the executed amount',
        sign: 'positive',
        ...commas,
      }),
    ),
    pair.base,
    'base',
  );
  const total = inAsset(
    row,
    'amount',
    take(
      row,
      'amount',
      readWithAsset(row.cell('amount'), [pair.quote], {
        what: 'the amount in the quote asset',
        sign: 'positive',
        ...commas,
      }),
    ),
    pair.quote,
    'quote',
  );
  const fee = take(
    row,
    'fee',
    readWithAsset(row.cell('fee'), [pair.base, pair.quote], {
      what: 'the fee',
      sign: 'non-negative',
      empty: Decimal.ZERO,
      ...commas,
    }),
  );
  // A fee without its asset can only be read when there is none to pay.
  if (fee !== null && fee.asset === null && !fee.value.isZero()) {
    row.problem('fee', 'the fee has no asset: write it like 0.00001BNB (the number, then the asset)');
    return null;
  }
  if (time === null || side === null || price === null || executed === null || total === null || fee === null)
    return null;
  const quote = checkTotal(row, 'amount', total, price, executed.value);
  if (quote === null) return null;
  return {
    trade: {
      sourceId: null,
      sourceOrderId: null,
      account: null,
      symbol: symbolOf(pair),
      side,
      price: price.value,
      amount: executed.value,
      quote,
      fee: fee.value,
      feeAsset: fee.asset ?? pair.quote,
      time,
    },
  };
};

export const readBinanceMarketRow: RowReader = (row, { utcOffsetMinutes, delimiter }) => {
  const commas = grouping(delimiter);
  const time = readTime(row, utcOffsetMinutes);
  const side = take(row, 'type', readSide(row.cell('type')));
  const price = take(
    row,
    'price',
    readWritten(row.cell('price'), { what: 'the price', sign: 'positive', ...commas }),
  );
  const amount = take(
    row,
    'amount',
    readDecimal(row.cell('amount'), { what: 'the amount in the base asset', sign: 'positive', ...commas }),
  );
  const total = take(
    row,
    'total',
    readWritten(row.cell('total'), { what: 'the total in the quote asset', sign: 'positive', ...commas }),
  );
  const fee = take(
    row,
    'fee',
    readDecimal(row.cell('fee'), { what: 'the fee', sign: 'non-negative', empty: Decimal.ZERO, ...commas }),
  );
  const coinText = row.cell('fee_coin').trim();
  const coin = coinText === '' ? null : assetCode(coinText);
  if (coinText !== '' && coin === null)
    row.problem('fee_coin', `"${coinText.slice(0, 40)}" is not an asset code: write it like BNB or USDT`);
  const feeCoinCode = coinText === '' ? [] : [coinText];
  const pair = splitBinancePair(row.cell('market'), feeCoinCode);
  if (pair === null) return unknownPair(row, 'market');
  if (coinText === '' && fee !== null && !fee.isZero()) {
    row.problem('fee_coin', 'empty, but the fee is not 0: give the asset the fee was paid in, e.g. BNB');
    return null;
  }
  if (time === null || side === null || price === null || amount === null || total === null || fee === null)
    return null;
  if (coinText !== '' && coin === null) return null;
  const quote = checkTotal(row, 'total', total, price, amount);
  if (quote === null) return null;
  return {
    trade: {
      sourceId: null,
      sourceOrderId: null,
      account: null,
      symbol: symbolOf(pair),
      side,
      price: price.value,
      amount,
      quote,
      fee,
      feeAsset: coin ?? pair.quote,
      time,
    },
  };
};
