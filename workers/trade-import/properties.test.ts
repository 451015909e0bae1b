import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.js';
import { formatGenericCsv } from './format-generic.js';
import { newTrades } from './import-ids.js';
import { parseTradesCsv, type ParseTradesOptions } from './parse-trades.js';

const RUNS = { numRuns: 150 };

function trades(text: string, options: ParseTradesOptions = { accountId: 'acct' }) {
  const result = parseTradesCsv(text, options);
  if (!result.ok) throw new Error(`${JSON.stringify(result.problems)}\n${text}`);
  return result.trades;
}

/** A positive (or, for fees, possibly zero) decimal with up to 8 places, written with 0-2 extra trailing zeros. */
const decimal = (min: number) =>
  fc
    .record({
      units: fc.integer({ min, max: 5_000_000 }),
      scale: fc.integer({ min: 0, max: 8 }),
      pad: fc.integer({ min: 0, max: 2 }),
    })
    .map(({ units, scale, pad }) =>
      Decimal.from(units)
        .div(10 ** scale, scale, 'down')
        .toFixed(scale + pad),
    );

const MARKETS = [
  ['BTC', 'USDT'],
  ['ETH', 'BTC'],
  ['SOL', 'FDUSD'],
  ['1000SATS', 'USDT'],
] as const;

/** One trade's content; rows are drawn from a small pool so identical rows are common. */
const content = fc.record({
  market: fc.integer({ min: 0, max: MARKETS.length - 1 }),
  side: fc.constantFrom('buy', 'sell'),
  amount: decimal(1),
  price: decimal(1),
  fee: decimal(0),
  feeInBnb: fc.boolean(),
  time: fc.integer({ min: Date.UTC(2017, 0, 1), max: Date.UTC(2030, 0, 1) }),
});
type Content = typeof content extends fc.Arbitrary<infer T> ? T : never;

const pool = fc.array(content, { minLength: 1, maxLength: 6 });
/** A file: rows picked (with repeats) from a pool, some with an id of their own (t0, t1...) and an account. */
const genericFile = pool
  .chain((rows) =>
    fc.array(
      fc.record({
        row: fc.constantFrom(...rows),
        withId: fc.boolean(),
        account: fc.constantFrom('', 'acct', 'other, desk'),
      }),
      { minLength: 1, maxLength: 25 },
    ),
  )
  .map((entries) =>
    entries.map(({ row, withId, account }, k) => ({ row, id: withId ? `t${k}` : '', account })),
  );

/** How a generic file may write the same time: ISO with Z, without a zone (UTC), or epoch ms. */
function timeText(time: number, style: number): string {
  const iso = new Date(time).toISOString();
  return style === 0 ? iso : style === 1 ? iso.slice(0, -1).replace('T', ' ') : String(time);
}

function genericCsv(file: { row: Content; id: string; account: string }[], style = 0): string {
  const lines = ['date,symbol,side,amount,price,fee,fee_asset,id,account'];
  file.forEach(({ row, id, account }) => {
    const [base, quote] = MARKETS[row.market]!;
    const symbol = style === 2 ? `${base.toLowerCase()}-${quote}` : `${base}/${quote}`;
    const side = style === 2 ? row.side.toUpperCase() : row.side;
    const feeAsset = row.feeInBnb ? 'BNB' : style === 1 ? '' : quote;
    const accountCell = account.includes(',') ? `"${account}"` : account;
    lines.push(
      [
        timeText(row.time, style),
        symbol,
        side,
        row.amount,
        row.price,
        row.fee,
        feeAsset,
        id,
        accountCell,
      ].join(','),
    );
  });
  return `${lines.join('\n')}\n`;
}

/** The same trades as Binance's Pair/Executed/Amount export. */
function binanceCsv(rows: Content[]): string {
  const lines = ['Date(UTC),Pair,Side,Price,Executed,Amount,Fee'];
  for (const row of rows) {
    const [base, quote] = MARKETS[row.market]!;
    const total = Decimal.from(row.price).mul(row.amount).toString();
    const when = new Date(row.time).toISOString().slice(0, 23).replace('T', ' ');
    lines.push(
      [
        when,
        `${base}${quote}`,
        row.side.toUpperCase(),
        row.price,
        `${row.amount}${base}`,
        `${total}${quote}`,
        `${row.fee}${row.feeInBnb ? 'BNB' : quote}`,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

const ids = (list: { id: string }[]) => list.map((t) => t.id);

describe('import ids (properties)', () => {
  it('are the same on every parse, whatever the row order, and unique within a file', () => {
    fc.assert(
      fc.property(genericFile, fc.context(), (file, ctx) => {
        const first = trades(genericCsv(file));
        expect(trades(genericCsv(file))).toEqual(first);
        expect(new Set(ids(first)).size).toBe(first.length);
        const reversed = trades(genericCsv([...file].reverse()));
        ctx.log(ids(first).join(' '));
        expect(new Set(ids(reversed))).toEqual(new Set(ids(first)));
      }),
      RUNS,
    );
  });

  it('do not depend on how the file writes the same values (zeros, time format, case, default fee asset)', () => {
    fc.assert(
      fc.property(genericFile, fc.integer({ min: 1, max: 2 }), (file, style) => {
        expect(trades(genericCsv(file, style))).toEqual(trades(genericCsv(file, 0)));
      }),
      RUNS,
    );
  });

  it('differ for rows that differ, and agree for rows that are the same trade', () => {
    fc.assert(
      fc.property(content, content, (a, b) => {
        const [x, y] = trades(genericCsv([a, b].map((row) => ({ row, id: '', account: '' }))));
        const same =
          JSON.stringify(x && { ...x, id: '', orderId: '' }) ===
          JSON.stringify(y && { ...y, id: '', orderId: '' });
        // Identical rows are two fills with ids that differ only in their occurrence number.
        if (same)
          expect([x?.id.slice(0, -2), x?.id.slice(-2), y?.id.slice(-2)]).toEqual([
            y?.id.slice(0, -2),
            '-1',
            '-2',
          ]);
        else expect(x?.id).not.toBe(y?.id);
        expect(trades(genericCsv([{ row: b, id: '', account: '' }]))[0]?.id.slice(0, -2)).toBe(
          y?.id.slice(0, -2),
        );
      }),
      RUNS,
    );
  });
});

describe('re-importing (properties)', () => {
  it('adds nothing when the same file is imported twice', () => {
    fc.assert(
      fc.property(genericFile, (file) => {
        const text = genericCsv(file);
        const stored = new Set(ids(trades(text)));
        const again = trades(text);
        expect(newTrades(again, stored)).toEqual({ add: [], existing: again });
        const result = parseTradesCsv(text, { accountId: 'acct', existingIds: stored });
        expect(result.ok && result.preview.toAdd).toBe(0);
      }),
      RUNS,
    );
  });

  it('adds exactly the new rows of a longer export of the same history', () => {
    fc.assert(
      fc.property(genericFile, fc.nat(), (file, cut) => {
        const head = file.slice(0, cut % (file.length + 1));
        const stored = new Set(head.length === 0 ? [] : ids(trades(genericCsv(head))));
        const { add, existing } = newTrades(trades(genericCsv(file)), stored);
        expect(existing).toHaveLength(head.length);
        expect(add).toHaveLength(file.length - head.length);
      }),
      RUNS,
    );
  });
});

describe('generic layout round trip (properties)', () => {
  it('formats trades as a generic CSV that parses back to the same trades', () => {
    fc.assert(
      fc.property(genericFile, (file) => {
        const parsed = trades(genericCsv(file));
        expect(trades(formatGenericCsv(parsed))).toEqual(parsed);
      }),
      RUNS,
    );
  });

  it('gives Binance trades rewritten as a generic CSV the same trades and ids', () => {
    fc.assert(
      fc.property(fc.array(content, { minLength: 1, maxLength: 15 }), (rows) => {
        const fromBinance = trades(binanceCsv(rows));
        expect(fromBinance.map((t) => t.quote)).toEqual(
          rows.map((r) => Decimal.from(r.price).mul(r.amount).toString()),
        );
        expect(trades(formatGenericCsv(fromBinance))).toEqual(fromBinance);
      }),
      RUNS,
    );
  });
});

describe('stated totals (properties)', () => {
  /** A Market/Total row whose price is the total / amount rounded to `decimals`, as an export rounds it. */
  const rounded = fc
    .record({ amount: decimal(1), total: decimal(1), decimals: fc.integer({ min: 0, max: 8 }) })
    .map(({ amount, total, decimals }) => ({
      amount,
      total,
      price: Decimal.from(total).div(amount, decimals, 'half-even').toFixed(decimals),
    }))
    .filter(({ price }) => Decimal.from(price).isPositive());

  it('keeps the total of every row whose price is rounded, and carries it through a generic file', () => {
    fc.assert(
      fc.property(fc.array(rounded, { minLength: 1, maxLength: 10 }), (rows) => {
        const csv = [
          'Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin',
          ...rows.map((r) => `2024-01-01 00:00:00,BTCUSDT,BUY,${r.price},${r.amount},${r.total},0,`),
        ].join('\n');
        const fills = trades(csv);
        expect(fills.map((t) => t.quote)).toEqual(rows.map((r) => Decimal.from(r.total).toString()));
        expect(trades(formatGenericCsv(fills))).toEqual(fills);
      }),
      RUNS,
    );
  });
});
