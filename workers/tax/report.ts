import { Decimal } from '../money/decimal.js';
import { perUnit, share } from './apportion.js';
import { daysHeld, discountEligible, twelveMonthAnniversary } from './discount.js';
import { TaxInputError } from './errors.js';
import { LotBook, type Lot, type Piece } from './lot-book.js';
import { lotNames } from './lot-names.js';
import { resolveOptions, type ResolvedOptions, type TaxOptions } from './options.js';
import { summarise } from './summary.js';
import { taxYearOf, yearBounds } from './tax-year.js';
import type {
  LotRecord,
  Match,
  Method,
  RemainingLot,
  SaleRecord,
  TaxReport,
  Trade,
  YearReport,
} from './types.js';

interface Indexed {
  trade: Trade;
  /** Position in the input, for errors that point back to the file. */
  index: number;
}

/** Trades in the order they happened: by date, and in file order within a day (a stable sort). */
function chronological(trades: readonly Trade[]): Indexed[] {
  return trades
    .map((trade, index) => ({ trade, index }))
    .sort((a, b) => (a.trade.date < b.trade.date ? -1 : a.trade.date > b.trade.date ? 1 : 0));
}

const bookKey = (t: Trade) => JSON.stringify([t.account, t.asset]);

const SHORT_SALES =
  'short sales need an explicit method (which later buy closes them, and when the gain arises), which Lyra does not have';

/** Refuses a sale of units that are not held, saying why and what to check. */
function refuseShortSale(sale: Indexed, book: LotBook | undefined, laterBuy: Trade | undefined): never {
  const t = sale.trade;
  const what = `sells ${t.qty.toString()} of asset ${t.asset} (account ${t.account}) on ${t.date}`;
  const hint = laterBuy ? ` (the first buy of it is trade ${String(laterBuy.id)} on ${laterBuy.date})` : '';
  const message =
    book === undefined || !book.everBought
      ? `${what}, before any buy of it${hint}: ${SHORT_SALES}. Add the missing buy, or check the date, side and asset`
      : `${what}, but only ${book.held().toString()} are held then: selling more than is held would be a short sale, and ${SHORT_SALES}. Check the qty, or add the missing buy`;
  throw new TaxInputError([
    {
      index: sale.index,
      id: t.id,
      field: book === undefined || !book.everBought ? 'date' : 'qty',
      message,
    },
  ]);
}

/** The matches of one sale: its pieces of lots, each with its share of the sale's net proceeds. */
function matchesOf(sale: Trade, pieces: readonly Piece[], options: ResolvedOptions): Match[] {
  const netProceeds = sale.qty.mul(sale.price).sub(sale.fee);
  const unitNetProceeds = perUnit(netProceeds, sale.qty);
  const au = options.jurisdiction === 'AU';
  let proceedsLeft = netProceeds;
  let unitsLeft = sale.qty;
  return pieces.map((piece) => {
    const proceeds = share(proceedsLeft, piece.qty, unitsLeft);
    proceedsLeft = proceedsLeft.sub(proceeds);
    unitsLeft = unitsLeft.sub(piece.qty);
    const gain = proceeds.sub(piece.costBase);
    const acquired = piece.lot.acquired;
    const eligible = au && discountEligible(acquired, sale.date);
    return {
      sell_trade: sale.id,
      sale_date: sale.date,
      lot: piece.lot.name,
      acquired,
      qty: piece.qty,
      unit_cost_base: piece.unitCostBase,
      unit_net_proceeds: unitNetProceeds,
      cost_base: piece.costBase,
      proceeds,
      gain,
      days_held: daysHeld(acquired, sale.date),
      twelve_month_anniversary: au ? twelveMonthAnniversary(acquired) : null,
      discount_eligible: eligible,
      discount_applied: eligible && gain.isPositive(),
    };
  });
}

function gainBySellTrade(matches: readonly Match[]): Record<string, Decimal> {
  const out: Record<string, Decimal> = {};
  for (const m of matches) {
    const key = `trade_${String(m.sell_trade)}`;
    out[key] = (out[key] ?? Decimal.ZERO).add(m.gain);
  }
  return out;
}

/** The open lots, in the order they were bought. */
function remainingLots(lots: readonly Lot[]): RemainingLot[] {
  return lots
    .filter((l) => l.remainingQty.isPositive())
    .map((l) => ({
      lot: l.name,
      acquired: l.acquired,
      qty: l.remainingQty,
      unit_cost_base: perUnit(l.basisCost, l.basisQty),
      cost_base: l.remainingCost,
    }));
}

function conventions(options: ResolvedOptions): Record<string, string> {
  const au = options.jurisdiction === 'AU';
  return {
    cost_base: 'buy fee added to the cost base; unit cost base = (qty*price + fee)/qty',
    proceeds: 'sell fee deducted from the capital proceeds; unit net proceeds = (qty*price - fee)/qty',
    apportioning:
      'partial lots and split sales are apportioned pro rata by units, rounded half-even at 12 decimals where not exact; the last units of a lot or sale take the exact remainder, so parts always add up to the whole',
    order: 'trades are taken by date, in file order within a day; a sale of units not held is refused',
    FIFO: 'oldest open lot first',
    LIFO: 'newest open lot first',
    HIFO: 'highest unit cost base (incl. buy fee) first; tie-break oldest',
    ACB: 'average cost: a sale costs its share by units of the pool of open units; the units are taken from the oldest lots first, one match per lot, to date them for the discount; the remaining pool is re-spread at the new average',
    lots: "a buy's lot is its `lot` field when given, else L<n> for the n-th buy in date order",
    discount_rule: au
      ? "Australian CGT 50% discount eligible iff sale_date > twelve_month_anniversary (same day a year later, or the month's last day for 29 Feb); a sale on the anniversary is not eligible"
      : 'no discount: every gain is counted in full',
    net_capital_gain: au
      ? 'losses are applied first against non-discount gains, then against discount-eligible gains; 50% discount on the eligible gains left; net = remaining non-discount + 0.5 * remaining eligible; a negative net is a net capital loss to carry forward; no losses of other years are applied'
      : 'net = gains - losses; a negative net is a net capital loss to carry forward; no losses of other years are applied',
    summary:
      'the top-level summary nets every match of the report as one set (as the reference does); `years` nets each tax year on its own, which is what a tax return uses',
    tax_year: `each year starts on ${options.yearStartText} (MM-DD); dates are calendar dates in ${options.timeZone}`,
  };
}

/**
 * The capital gains report of validated trades: every sale matched to lots by the method of its tax
 * year and account, with its gain, holding period and discount eligibility; totals for the whole report
 * and per tax year; the lots still open. Lots carry across tax years, so a lot bought in one year and
 * sold in a later one is matched by the later year's method. With `year`, only that year's sales are
 * reported, and trades after it are not read.
 *
 * Throws TaxInputError for bad options or a sale of units that are not held.
 */
export function taxReport(trades: readonly Trade[], taxOptions: TaxOptions): TaxReport {
  const options = resolveOptions(taxOptions);
  const period = options.year;
  const ordered = chronological(trades).filter((t) => period === null || t.trade.date <= period.last_day);
  const buys = ordered.filter((t) => t.trade.side === 'buy').map((t) => t.trade);
  const names = lotNames(buys);
  const firstBuy = new Map<string, Trade>();
  for (const b of buys) if (!firstBuy.has(bookKey(b))) firstBuy.set(bookKey(b), b);

  const books = new Map<string, LotBook>();
  const lotRecords: { lot: Lot; trade: Trade }[] = [];
  const matchesByYear = new Map<string, Match[]>();
  const methodsByYear = new Map<string, Record<string, Method>>();
  const sales: SaleRecord[] = [];

  for (const item of ordered) {
    const t = item.trade;
    const key = bookKey(t);
    let book = books.get(key);
    if (t.side === 'buy') {
      if (book === undefined) books.set(key, (book = new LotBook()));
      const costBase = t.qty.mul(t.price).add(t.fee);
      const lot: Lot = {
        name: names.get(t) as string,
        buyTrade: t.id,
        acquired: t.date,
        qty: t.qty,
        costBase,
        remainingQty: t.qty,
        remainingCost: costBase,
        basisCost: costBase,
        basisQty: t.qty,
      };
      book.buy(lot);
      lotRecords.push({ lot, trade: t });
      continue;
    }
    if (book === undefined || book.held().lt(t.qty)) refuseShortSale(item, book, firstBuy.get(key));
    const taxYear = taxYearOf(t.date, options.yearStart);
    const method = options.methodOf(taxYear, t.account);
    const matches = matchesOf(t, book.sell(t.qty, method), options);
    if (period === null || taxYear === period.label) {
      const list = matchesByYear.get(taxYear) ?? [];
      list.push(...matches);
      matchesByYear.set(taxYear, list);
      const methods = methodsByYear.get(taxYear) ?? {};
      methods[t.account] = method;
      methodsByYear.set(taxYear, methods);
      sales.push({
        sell_trade: t.id,
        account: t.account,
        asset: t.asset,
        tax_year: taxYear,
        method,
        sale_date: t.date,
        qty: t.qty,
        proceeds: Decimal.sum(matches.map((m) => m.proceeds)),
        cost_base: Decimal.sum(matches.map((m) => m.cost_base)),
        gain: Decimal.sum(matches.map((m) => m.gain)),
      });
    }
  }

  if (period !== null && !matchesByYear.has(period.label)) matchesByYear.set(period.label, []);
  const years: YearReport[] = [...matchesByYear.entries()].map(([taxYear, matches]) => {
    const bounds = yearBounds(taxYear, options.yearStart) as { first_day: string; last_day: string };
    const summary = summarise(matches, options.jurisdiction);
    return {
      tax_year: taxYear,
      ...bounds,
      methods: methodsByYear.get(taxYear) ?? {},
      realised_gain_total: summary.net_realised,
      summary,
      matches,
      gain_by_sell_trade: gainBySellTrade(matches),
    };
  });
  const matches = years.flatMap((y) => y.matches);
  const summary = summarise(matches, options.jurisdiction);
  const lots: LotRecord[] = lotRecords.map(({ lot, trade }) => ({
    lot: lot.name,
    buy_trade: trade.id,
    account: trade.account,
    asset: trade.asset,
    acquired: lot.acquired,
    qty: lot.qty,
    cost_base: lot.costBase,
    remaining_qty: lot.remainingQty,
  }));
  return {
    jurisdiction: options.jurisdiction,
    time_zone: options.timeZone,
    tax_year_start: options.yearStartText,
    year: period?.label ?? null,
    realised_gain_total: summary.net_realised,
    summary,
    matches,
    gain_by_sell_trade: gainBySellTrade(matches),
    remaining_lots: remainingLots(lotRecords.map((r) => r.lot)),
    years,
    sales,
    lots,
    conventions: conventions(options),
  };
}
