import { Decimal } from '../money/decimal.js';
import { splitKrakenPair, symbolOf } from './assets.js';
import { readDecimal, readSide, readWritten } from './cells.js';
import { checkTotal, take, type RowReader } from './row.js';
import { parseTradeTime } from './trade-time.js';

/**
 * Kraken's trades export (`txid,ordertxid,pair,time,type,ordertype,price,cost,fee,vol,margin,misc,
 * ledgers`, newer exports add columns that are ignored). Kraken's own asset codes become the common ones
 * (XXBTZUSD → BTC/USD); time is UTC (`2023-01-02 03:04:05.1234`, or epoch seconds); vol is the base
 * amount, cost the quote amount and the fee is in the quote asset. The cost is what was paid or received,
 * so it is the fill's quote; the price is rounded, and must agree with cost / vol to its rounding (see
 * `checkTotal`). The trade's txid is its id, so the same trade is recognised in any later export.
 *
 * Margin trades (margin above 0) open or close leveraged positions, not spot holdings: they are left
 * out and listed as skipped, rather than refusing the file or booking them as spot fills.
 */
export const readKrakenRow: RowReader = (row, { delimiter }) => {
  const marginText = row.cell('margin').trim();
  if (row.has('margin') && marginText !== '') {
    const margin = Decimal.tryFrom(marginText);
    if (margin === null)
      row.problem('margin', `"${marginText.slice(0, 40)}" is not a number: leave the cell as exported`);
    else if (!margin.isZero())
      return { skip: `margin trade (margin ${margin.toString()}): only spot trades are imported` };
  }
  const txid = row.cell('txid').trim();
  if (txid === '')
    row.problem('txid', "empty: every Kraken trade has a txid; re-export the file or restore the row's txid");
  const orderText = row.cell('ordertxid').trim();
  const pairText = row.cell('pair').trim();
  const pair = splitKrakenPair(pairText);
  if (pair === null)
    row.problem(
      'pair',
      pairText === ''
        ? 'empty: give the market, e.g. XXBTZUSD or XBT/USD'
        : `cannot tell the base from the quote asset in "${pairText.slice(0, 40)}": its quote asset is not one Lyra knows; write it as BASE/QUOTE, e.g. XBT/USD`,
    );
  const time = take(row, 'time', parseTradeTime(row.cell('time'), { epoch: 'seconds' }));
  const side = take(row, 'type', readSide(row.cell('type')));
  const price = take(
    row,
    'price',
    readWritten(row.cell('price'), { what: 'the price', sign: 'positive', delimiter }),
  );
  const vol = take(
    row,
    'vol',
    readDecimal(row.cell('vol'), { what: 'the volume (base amount)', sign: 'positive', delimiter }),
  );
  const cost = take(
    row,
    'cost',
    readWritten(row.cell('cost'), { what: 'the cost (quote amount)', sign: 'positive', delimiter }),
  );
  const fee = take(
    row,
    'fee',
    readDecimal(row.cell('fee'), { what: 'the fee', sign: 'non-negative', empty: Decimal.ZERO, delimiter }),
  );
  if (txid === '' || pair === null || time === null || side === null) return null;
  if (price === null || vol === null || cost === null || fee === null) return null;
  const quote = checkTotal(row, 'cost', cost, price, vol);
  if (quote === null) return null;
  return {
    trade: {
      sourceId: txid,
      sourceOrderId: orderText === '' ? null : orderText,
      account: null,
      symbol: symbolOf(pair),
      side,
      price: price.value,
      amount: vol,
      quote,
      fee,
      feeAsset: pair.quote,
      time,
    },
  };
};
