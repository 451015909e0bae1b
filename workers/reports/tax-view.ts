import { IMPORT_ID_PREFIX } from '../trade-import/import-ids.js';
import { carryLossesForward, type CarriedYear } from '../tax/loss-carry.js';
import type { Match, TaxReport, TaxSummary } from '../tax/types.js';
import type { TaxExclusion, TaxMatchView, TaxMethodPlan, TaxReportView, TaxTotalsView } from './api.js';
import type { FillOrigin } from './read-fills.js';

export interface ViewContext {
  currency: string;
  includePaper: boolean;
  methods: TaxMethodPlan;
  exclusions: TaxExclusion[];
  fillsRead: number;
  fillsUsed: number;
  origins: ReadonlyMap<string, FillOrigin>;
  /** Import id to its file name. */
  files: ReadonlyMap<string, string>;
  /** Account id to its name. */
  accountNames: ReadonlyMap<string, string>;
  generatedAt: number;
}

/** The export's own id of an imported fill (`import:<account>:<namespace>:<id>`), or null for a row hash. */
function sourceIdOf(fillId: string): string | null {
  if (!fillId.startsWith(IMPORT_ID_PREFIX)) return null;
  const [, , namespace, ...rest] = fillId.split(':');
  if (namespace === undefined || namespace === 'row' || rest.length === 0) return null;
  return rest.join(':');
}

/** Names a fill the way the user knows it: its import file (and the file's trade id), or its account. */
export function fillLabel(
  fillId: string,
  account: string,
  context: Pick<ViewContext, 'origins' | 'files' | 'accountNames'>,
): string {
  const origin = context.origins.get(fillId);
  if (origin?.kind === 'import') {
    const file = context.files.get(origin.importId ?? '') ?? 'an import';
    const own = sourceIdOf(fillId);
    return own === null ? file : `${file}, trade ${own}`;
  }
  return context.accountNames.get(account) ?? account;
}

/** A set's totals; with `carried`, a tax year's net after the losses of the years before it. */
function totals(s: TaxSummary, carried: CarriedYear | null = null): TaxTotalsView {
  return {
    grossGains: s.gross_gains.toString(),
    losses: s.losses.toString(),
    nondiscountGains: s.nondiscount_gains.toString(),
    discountEligibleGains: s.discount_eligible_gains.toString(),
    netRealised: s.net_realised.toString(),
    netCapitalGain: (carried?.netCapitalGain ?? s.net_capital_gain_after_discount).toString(),
    lossBroughtForward: carried?.broughtForward.toString() ?? '0',
    lossCarriedForward: carried?.carriedForward.toString() ?? '0',
  };
}

/** The report with every decimal as exact text, so it crosses to the page without losing a digit. */
export function reportView(report: TaxReport, context: ViewContext): TaxReportView {
  const sales = new Map(report.sales.map((s) => [String(s.sell_trade), s]));
  const match = (m: Match): TaxMatchView => {
    const sale = sales.get(String(m.sell_trade));
    const account = sale?.account ?? '';
    return {
      sellFill: String(m.sell_trade),
      sellLabel: fillLabel(String(m.sell_trade), account, context),
      account,
      asset: sale?.asset ?? '',
      method: sale?.method ?? context.methods.method,
      saleDate: m.sale_date,
      lot: m.lot,
      acquired: m.acquired,
      qty: m.qty.toString(),
      unitCostBase: m.unit_cost_base.toString(),
      unitNetProceeds: m.unit_net_proceeds.toString(),
      costBase: m.cost_base.toString(),
      proceeds: m.proceeds.toString(),
      gain: m.gain.toString(),
      daysHeld: m.days_held,
      anniversary: m.twelve_month_anniversary,
      discountEligible: m.discount_eligible,
      discountApplied: m.discount_applied,
    };
  };
  const accounts = [...new Set(report.lots.map((l) => l.account))].map((id) => ({
    id,
    name: context.accountNames.get(id) ?? id,
  }));
  const years = [...report.years].sort((a, b) => (a.first_day < b.first_day ? -1 : 1));
  const carried = carryLossesForward(
    years.map((y) => y.summary),
    report.jurisdiction,
  );
  return {
    jurisdiction: report.jurisdiction,
    currency: context.currency,
    timeZone: report.time_zone,
    yearStart: report.tax_year_start,
    methods: context.methods,
    years: years.map((y, k) => ({
      taxYear: y.tax_year,
      firstDay: y.first_day,
      lastDay: y.last_day,
      methods: y.methods,
      totals: totals(y.summary, carried[k]!),
      matches: y.matches.map(match),
    })),
    totals: totals(report.summary),
    fillsRead: context.fillsRead,
    fillsUsed: context.fillsUsed,
    exclusions: context.exclusions,
    accounts,
    includePaper: context.includePaper,
    conventions: report.conventions,
    generatedAt: context.generatedAt,
  };
}
