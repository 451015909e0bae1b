import { EngineFailure, engineError } from '../shared/errors.js';
import type { LyraDb } from '../store/db.js';
import { TaxInputError } from '../tax/errors.js';
import { dateInTimeZone, isTimeZone } from '../tax/calendar.js';
import { defaultTimeZone, isJurisdiction } from '../tax/options.js';
import { taxReport } from '../tax/report.js';
import { defaultYearStart } from '../tax/tax-year.js';
import type { TaxReport } from '../tax/types.js';
import type { FillRecord } from '../trading/types.js';
import type { TaxReportView, TaxRequest } from './api.js';
import { baseAndQuote, tradesFromFills } from './fill-trades.js';
import type { Job } from './jobs.js';
import { methodChoice } from './method-plan.js';
import { readAllFills, type StoredFills } from './read-fills.js';
import { accountsOf } from './tax-sources.js';
import { fillLabel, reportView, type ViewContext } from './tax-view.js';

export interface TaxRun {
  view: TaxReportView;
  report: TaxReport | null;
}

/** The quote most fills are in: the report's currency when none is chosen. */
function mostUsedQuote(fills: StoredFills['fills']): string | null {
  const counts = new Map<string, number>();
  for (const f of fills) {
    const quote = baseAndQuote(f.symbol)?.quote;
    if (quote !== undefined) counts.set(quote, (counts.get(quote) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [q, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = q;
  return best;
}

type Naming = Pick<ViewContext, 'origins' | 'files' | 'accountNames'>;

/** A fill as the user knows it: "from reference.csv, trade 4" or "in Main account (BTC/AUD)". */
function fillName(fill: FillRecord, context: Naming): string {
  const label = fillLabel(fill.id, fill.accountId, context);
  return context.origins.get(fill.id)?.kind === 'import' ? `from ${label}` : `in ${label} (${fill.symbol})`;
}

/** The engine's words with each "trade <fill id>" it names written as the fill's name. */
function namedTrades(message: string, fills: ReadonlyMap<string, FillRecord>, context: Naming): string {
  const [head, ...rest] = message.split('trade ');
  const out = [head ?? ''];
  for (const part of rest) {
    const end = part.indexOf(' ');
    const id = end === -1 ? part : part.slice(0, end);
    const fill = fills.get(id);
    out.push(
      fill === undefined ? `trade ${part}` : `the fill ${fillName(fill, context)}${part.slice(id.length)}`,
    );
  }
  return out.join('');
}

/** A refusal of the tax engine, with its fills named the way the user knows them. */
function refusal(
  e: TaxInputError,
  fills: ReadonlyMap<string, FillRecord>,
  context: Naming & { timeZone: string },
  excluded: number,
): EngineFailure {
  const p = e.problems[0];
  const fill = p?.id === null || p?.id === undefined ? undefined : fills.get(String(p.id));
  if (p === undefined || fill === undefined)
    return new EngineFailure(
      engineError(
        'bad-options',
        `The report options are not valid: ${p ? `${p.field}: ${p.message}` : e.message}.`,
      ),
    );
  const date = dateInTimeZone(fill.time, context.timeZone) ?? new Date(fill.time).toISOString().slice(0, 10);
  const hint =
    excluded > 0
      ? ` ${excluded} fill${excluded === 1 ? ' was' : 's were'} left out for want of a conversion rate: the missing buy may be among them (choose their currency).`
      : '';
  return new EngineFailure(
    engineError(
      'tax-refused',
      `The report cannot be made. The sale ${fillName(fill, context)} on ${date}: ${namedTrades(p.message, fills, context)}.${hint}`,
      false,
      { fillId: fill.id },
    ),
  );
}

/**
 * The capital gains report of every stored fill (the engine's own and the imported ones) in one
 * currency. Progress while the fills are read and the lots matched; stops between steps when cancelled.
 */
export async function runTaxReport(
  db: LyraDb,
  request: TaxRequest,
  job: Job,
  now: () => number = Date.now,
): Promise<TaxRun> {
  const jurisdiction = request.jurisdiction;
  if (!isJurisdiction(jurisdiction))
    throw new EngineFailure(
      engineError('bad-options', `"${String(jurisdiction)}" is not a jurisdiction: choose AU or none.`),
    );
  const yearStart = request.yearStart || defaultYearStart(jurisdiction);
  const timeZone = request.timeZone || defaultTimeZone(jurisdiction);
  // Checked before any fill is dated in it: an unknown zone is the user's typing, not an engine failure.
  if (!isTimeZone(timeZone))
    throw new EngineFailure(
      engineError(
        'bad-options',
        `"${timeZone}" is not a time zone Lyra knows: write an IANA zone such as Australia/Sydney, Europe/London or UTC (or leave it empty for the default).`,
      ),
    );
  const method = methodChoice(request.methods, yearStart);
  const includePaper = request.includePaper === true;
  const stored = await readAllFills(db, job, { includePaper });
  job.check();
  // From the included fills only: a busy paper account must not choose the currency of a report without it.
  const currency = request.currency || mostUsedQuote(stored.fills) || '';
  const { trades, exclusions } = tradesFromFills(stored.fills, { currency, timeZone });
  const files = new Map((await db.imports.toArray()).map((i) => [i.id, i.fileName]));
  const accountNames = new Map((await accountsOf(db)).map((a) => [a.id, a.name]));
  const context: ViewContext = {
    currency,
    includePaper,
    methods: request.methods,
    exclusions,
    fillsRead: stored.fills.length,
    fillsUsed: trades.length,
    origins: stored.origins,
    files,
    accountNames,
    generatedAt: now(),
  };
  job.check();
  job.progress('Matching lots', 0, trades.length);
  let report: TaxReport;
  try {
    report = taxReport(trades, { jurisdiction, method, timeZone, yearStart });
  } catch (e) {
    if (e instanceof TaxInputError)
      throw refusal(
        e,
        new Map(stored.fills.map((f) => [f.id, f])),
        { ...context, timeZone },
        exclusions.filter((x) => x.kind === 'fill').reduce((n, x) => n + x.fillIds.length, 0),
      );
    throw e;
  }
  job.progress('Matching lots', trades.length, trades.length);
  return { view: reportView(report, context), report };
}
