import type { Decimal } from '../money/decimal.js';

/** How the units a sale disposes of are chosen among the open lots of an (account, asset). */
export type Method = 'FIFO' | 'LIFO' | 'HIFO' | 'ACB';
export const METHODS: readonly Method[] = ['FIFO', 'LIFO', 'HIFO', 'ACB'];

/**
 * Whose rules: 'AU' applies the Australian CGT discount and a 1 July to 30 June tax year; 'none' is a
 * plain report (every gain counted in full) on calendar years.
 */
export type Jurisdiction = 'AU' | 'none';
export const JURISDICTIONS: readonly Jurisdiction[] = ['AU', 'none'];

export type TradeId = string | number;

/** One validated fill. Money is exact (Decimal); `fee` is in the currency of `price`. */
export interface Trade {
  /** As the input gave it (number or string), so reports name trades the way the user does. */
  id: TradeId;
  account: string;
  asset: string;
  /** Calendar date 'YYYY-MM-DD' in the taxpayer's time zone: tax law counts days, not instants. */
  date: string;
  side: 'buy' | 'sell';
  qty: Decimal;
  price: Decimal;
  fee: Decimal;
  /** The buy's lot name when the input named it. */
  lot: string | null;
}

/** The lot method of a sale: one for everything, or chosen per tax year and account. */
export type MethodChoice = Method | ((taxYear: string, account: string) => Method);

/** One (sale, lot) pair: the units of one lot that one sale disposed of. Field names follow the reference. */
export interface Match {
  sell_trade: TradeId;
  sale_date: string;
  lot: string;
  acquired: string;
  qty: Decimal;
  unit_cost_base: Decimal;
  unit_net_proceeds: Decimal;
  cost_base: Decimal;
  proceeds: Decimal;
  gain: Decimal;
  days_held: number;
  /** null outside AU: the anniversary only matters for the discount. */
  twelve_month_anniversary: string | null;
  discount_eligible: boolean;
  /** The discount applies to this match: an eligible gain (losses are never discounted). */
  discount_applied: boolean;
}

/** Totals of a set of matches, netted the ATO's way (see summary.ts). */
export interface TaxSummary {
  gross_gains: Decimal;
  /** A positive number: the sum of the losing matches' losses. */
  losses: Decimal;
  nondiscount_gains: Decimal;
  discount_eligible_gains: Decimal;
  /** gross_gains - losses. */
  net_realised: Decimal;
  /** Negative when losses exceed gains: a net capital loss to carry forward (the gain is then nil). */
  net_capital_gain_after_discount: Decimal;
}

export interface RemainingLot {
  lot: string;
  acquired: string;
  qty: Decimal;
  unit_cost_base: Decimal;
  cost_base: Decimal;
}

/** One sale with what the match rows leave out: where it happened and which method chose its lots. */
export interface SaleRecord {
  sell_trade: TradeId;
  account: string;
  asset: string;
  tax_year: string;
  method: Method;
  sale_date: string;
  qty: Decimal;
  proceeds: Decimal;
  cost_base: Decimal;
  gain: Decimal;
}

/** Every lot bought up to the end of the report, with its account and asset (remaining_lots names them). */
export interface LotRecord {
  lot: string;
  buy_trade: TradeId;
  account: string;
  asset: string;
  acquired: string;
  qty: Decimal;
  cost_base: Decimal;
  remaining_qty: Decimal;
}

export interface YearReport {
  tax_year: string;
  first_day: string;
  last_day: string;
  /** The method each account's sales used this year. */
  methods: Record<string, Method>;
  realised_gain_total: Decimal;
  summary: TaxSummary;
  matches: Match[];
  gain_by_sell_trade: Record<string, Decimal>;
}

export interface TaxReport {
  jurisdiction: Jurisdiction;
  time_zone: string;
  /** 'MM-DD' on which each tax year starts. */
  tax_year_start: string;
  /** The one tax year reported, or null for all. */
  year: string | null;
  /** The matches, summary and totals below cover every year reported, netted together as one set. */
  realised_gain_total: Decimal;
  summary: TaxSummary;
  matches: Match[];
  gain_by_sell_trade: Record<string, Decimal>;
  /** Open lots at the end of the report (the end of `year` when one is chosen). */
  remaining_lots: RemainingLot[];
  /** Per tax year of the sale, each netted on its own: what goes in a tax return. */
  years: YearReport[];
  sales: SaleRecord[];
  lots: LotRecord[];
  conventions: Record<string, string>;
}
