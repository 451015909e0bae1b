import { Decimal } from '../money/decimal.js';
import { assetCode, splitSymbol, symbolOf } from './assets.js';
import { readDecimal, readSide, readWritten } from './cells.js';
import { checkTotal, take, type RowReader } from './row.js';
import { parseTradeTime } from './trade-time.js';

/**
 * The generic layout: `date,symbol,side,amount,price,fee,fee_asset` and optionally `id,account,quote`.
 * date: ISO date-time (UTC unless it carries Z or an offset) or epoch milliseconds; symbol BASE/QUOTE
 * (BTC/USDT, BTC-USDT or BTCUSDT); side buy or sell; amount in the base asset; price in the quote asset;
 * an empty fee is 0 and an empty fee_asset is the quote asset. An id names the trade (the same id is the
 * same trade on every import); an account puts the row in that account instead of the one imported into.
 * A quote is the total paid or received in the quote asset, when the price is rounded (as exchanges
 * write it): it must agree with price × amount to the rounding of the two (see `checkTotal`); empty,
 * the quote is price × amount.
 */
export const readGenericRow: RowReader = (row, { delimiter }) => {
  const time = take(row, 'date', parseTradeTime(row.cell('date'), { epoch: 'ms' }));
  const symbolText = row.cell('symbol').trim();
  const split = splitSymbol(symbolText);
  const pair = split.ok ? split.pair : null;
  if (!split.ok)
    row.problem(
      'symbol',
      symbolText === ''
        ? 'empty: give the market as BASE/QUOTE, e.g. BTC/USDT'
        : split.candidates.length > 1
          ? `"${symbolText}" can be read as ${split.candidates.map(symbolOf).join(' or ')}: write the symbol as BASE/QUOTE`
          : `cannot tell the base from the quote asset in "${symbolText.slice(0, 40)}": write the symbol as BASE/QUOTE, e.g. BTC/USDT`,
    );
  const side = take(row, 'side', readSide(row.cell('side')));
  const amount = take(
    row,
    'amount',
    readDecimal(row.cell('amount'), { what: 'the amount (in the base asset)', sign: 'positive', delimiter }),
  );
  const price = take(
    row,
    'price',
    readWritten(row.cell('price'), { what: 'the price (in the quote asset)', sign: 'positive', delimiter }),
  );
  const fee = take(
    row,
    'fee',
    readDecimal(row.cell('fee'), { what: 'the fee', sign: 'non-negative', empty: Decimal.ZERO, delimiter }),
  );
  const feeText = row.cell('fee_asset').trim();
  const feeAsset = feeText === '' ? (pair?.quote ?? null) : assetCode(feeText);
  if (feeText !== '' && feeAsset === null)
    row.problem('fee_asset', `"${feeText.slice(0, 40)}" is not an asset code: write it like USDT or BNB`);
  const quoteText = row.cell('quote');
  const noQuote = quoteText.trim() === '';
  const stated = noQuote
    ? null
    : take(
        row,
        'quote',
        readWritten(quoteText, { what: 'the quote (total in the quote asset)', sign: 'positive', delimiter }),
      );
  const id = row.cell('id').trim();
  const account = row.cell('account').trim();
  if (time === null || pair === null || side === null || amount === null || price === null) return null;
  if (fee === null || feeAsset === null) return null;
  if (!noQuote && stated === null) return null;
  // The stated quote, checked against price × amount; null when the file states none.
  const quote = stated === null ? null : checkTotal(row, 'quote', stated, price, amount);
  if (stated !== null && quote === null) return null;
  return {
    trade: {
      sourceId: id === '' ? null : id,
      sourceOrderId: null,
      account: account === '' ? null : account,
      symbol: symbolOf(pair),
      side,
      price: price.value,
      amount,
      quote,
      fee,
      feeAsset,
      time,
    },
  };
};
