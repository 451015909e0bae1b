import { TaxInputError } from '../../workers/tax/errors.js';
import { defaultTimeZone, resolveOptions } from '../../workers/tax/options.js';
import { exactJson } from '../../workers/tax/report-json.js';
import { taxReport } from '../../workers/tax/report.js';
import { parseFlags } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_OK, UsageError } from '../io.js';
import { FLAG_OF_OPTION, jurisdictionFlag, methodFlag, taxFlags, yearStartFlag } from './tax-flags.js';
import { readTradesFile } from './tax-input.js';
import { renderTaxTable } from './tax-table.js';

const help = `Usage: lyra tax --trades FILE [options]

Realised capital gains from your fills, per tax year: each sale matched to the lots it disposed of
(FIFO, LIFO, HIFO or average cost), buy fees in the cost base and sell fees out of the proceeds, the
days held and, for Australia, the 50% CGT discount (lots sold after the 12-month anniversary of
purchase; a sale on the anniversary is not eligible) with losses applied to non-discount gains first.

The trades file is JSON or CSV:
  JSON  {"trades": [...]} or a bare array; each trade has id, date, side (buy/sell), qty, price, fee,
        and optionally account, asset, lot (the buy's lot name) or time (epoch ms instead of date)
  CSV   a header with date,side,qty,price,fee (any case, any order) and optionally id,asset,account,lot;
        side BUY or SELL; an empty fee is 0; other columns are not read
Dates are YYYY-MM-DD in your time zone, ISO date-times (with an offset: dated in --time-zone) or
epoch milliseconds. Trades are taken by date, in file order within a day. A sale of units not held
(a short sale) is refused.

Options:
  --trades FILE            the trades (required)
  --method M               FIFO (default), LIFO, HIFO (highest unit cost first) or ACB (average cost);
                           per tax year or account: FIFO,2022-23=HIFO,2023-24:ACCOUNT=LIFO
  --jurisdiction J         AU (default): CGT discount, tax years 1 July to 30 June;
                           none: no discount, calendar years
  --time-zone TZ           IANA zone that times are dated in (default Australia/Sydney for AU, else UTC)
  --year Y                 only this tax year, e.g. 2022-23 (AU) or 2022; earlier lots still count
  --year-start MM-DD       the day tax years start (default 07-01 for AU, 01-01 otherwise)
  --json                   print JSON instead of tables: matches, summary, realised_gain_total,
                           gain_by_sell_trade, remaining_lots (as in the reference file), then years
                           (each netted on its own), sales, lots and the conventions used
  -h, --help               this help

Values are exact: JSON numbers are written in exact decimal form (no float rounding), shares of a lot
or sale split pro rata by units are rounded half-even at 12 decimals with the last units taking the
remainder. Tables round money to cents. A negative net capital gain is a net capital loss to carry
forward; no losses from years before the file are applied.

Exit codes: 0 done, 2 bad input (the message says what and where), 1 anything else.
`;

/**
 * Runs engine work, turning its refusals into a usage error: an option's problem names its flag, a
 * trade's problem where the trade is (`whereIs`: the file, and the line of a CSV).
 */
function asUsage<T>(work: () => T, whereIs: (index: number) => string): T {
  try {
    return work();
  } catch (e) {
    if (!(e instanceof TaxInputError)) throw e;
    const lines = e.problems.map((p) =>
      p.index === null
        ? `${FLAG_OF_OPTION[p.field] ?? p.field}: ${p.message}`
        : `${whereIs(p.index)}trade ${String(p.id)}: ${p.message}`,
    );
    throw new UsageError(lines.join('\n'));
  }
}

export const taxCommand: Command = {
  name: 'tax',
  summary: 'realised capital gains per tax year (FIFO/LIFO/HIFO/ACB, CGT discount) from trades',
  help,
  async run(argv, io) {
    const v = parseFlags(argv, taxFlags, 'tax');
    if (v.help) {
      io.out(help);
      return EXIT_OK;
    }
    if (v.trades === undefined) throw new UsageError('--trades FILE is required. See: lyra tax --help');
    const jurisdiction = jurisdictionFlag(v.jurisdiction);
    const yearStart = yearStartFlag(v['year-start'], jurisdiction);
    const methodChoice = methodFlag(v.method, yearStart);
    const method = methodChoice.choice;
    const timeZone = v['time-zone']?.trim() ?? defaultTimeZone(jurisdiction);
    const options = { jurisdiction, method, timeZone, yearStart, year: v.year?.trim() ?? null };

    // Options first, so a bad flag is reported before the file is read.
    asUsage(
      () => resolveOptions(options),
      () => '',
    );
    const file = await readTradesFile(v.trades, timeZone);
    for (const note of file.notes) io.err(`lyra tax: note: ${note}\n`);
    const source = v.trades;
    const report = asUsage(
      () => taxReport(file.trades, options),
      (index) => `${source}: ${file.whereIs(index)}`,
    );
    for (const item of methodChoice.unused())
      io.err(
        `lyra tax: note: --method ${item} applies to no sale in the file: check the tax year and the account\n`,
      );
    io.out(v.json ? `${exactJson(report)}\n` : renderTaxTable(report));
    return EXIT_OK;
  },
};
