import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_PROBLEMS, parseBarsCsv, type CsvBarsResult } from './csv-bars.js';

const OHLC = 'date,open,high,low,close,volume';

function ok(r: CsvBarsResult) {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.problems)}`);
  return r;
}

function problems(r: CsvBarsResult) {
  if (r.ok) throw new Error('expected problems, the file was accepted');
  return r;
}

describe('parseBarsCsv: the reference file', () => {
  const text = readFileSync(new URL('../../../test/fixtures/reference/eustockmarkets.csv', import.meta.url), 'utf8');

  it('parses the DAX column to 1860 close-only bars', () => {
    const r = ok(parseBarsCsv(text, { column: 'DAX' }));
    expect(r.bars.time).toHaveLength(1860);
    expect(r.bars.closeOnly).toBe(true);
    expect(r.bars.close[0]).toBe(1628.75);
    expect(r.bars.time[0]).toBe(Date.UTC(1991, 6, 1));
    expect(Array.from(r.bars.open)).toEqual(Array.from(r.bars.close));
    expect(r.bars.volume.every((v) => v === 0)).toBe(true);
    expect(r.fixed).toBeNull();
    // The index column is not a price.
    expect(r.columns).toEqual(['DAX', 'SMI', 'CAC', 'FTSE']);
  });

  it('asks which column when there are several and none is chosen', () => {
    const r = problems(parseBarsCsv(text, {}));
    expect(r.columns).toEqual(['DAX', 'SMI', 'CAC', 'FTSE']);
    expect(r.problems[0]!.message).toMatch(/several price columns \(DAX, SMI, CAC, FTSE\)/);
    expect(r.fixable).toBeNull();
  });

  it('names the choices for a column that does not exist', () => {
    const r = problems(parseBarsCsv(text, { column: 'NIKKEI' }));
    expect(r.problems[0]).toMatchObject({ row: 1, column: 'NIKKEI' });
    expect(r.problems[0]!.message).toMatch(/choose one of DAX, SMI, CAC, FTSE/);
  });
});

describe('parseBarsCsv: layouts and formats', () => {
  it('reads open/high/low/close/volume case-insensitively, with BOM, CRLF, quotes and blank trailing lines', () => {
    const text = '\uFEFFDate,Open,High,Low,Close,Volume\r\n"2024-01-01",1,2,0.5,1.5,"1,000"\r\n2024-01-02,1.5,2.5,1.4,2,0\r\n\r\n\r\n';
    const r = problems(parseBarsCsv(text, {}));
    // "1,000" is one quoted field, but not a number.
    expect(r.problems).toEqual([
      { row: 2, column: 'Volume', message: expect.stringMatching(/volume "1,000" is not a number/) },
    ]);
    const fixed = ok(parseBarsCsv(text.replace('"1,000"', '"1000"'), {}));
    expect(Array.from(fixed.bars.volume)).toEqual([1000, 0]);
    expect(fixed.bars.closeOnly).toBe(false);
    expect(Array.from(fixed.bars.high)).toEqual([2, 2.5]);
  });

  it('reads a single price column without being asked, and no volume as 0', () => {
    const r = ok(parseBarsCsv('timestamp,price\n1700000000,10\n1700000060,11\n', {}));
    expect(Array.from(r.bars.time)).toEqual([1700000000_000, 1700000060_000]);
    expect(r.bars.closeOnly).toBe(true);
  });

  it('reads epoch milliseconds, date-times in UTC unless zoned, and semicolon files', () => {
    const r = ok(
      parseBarsCsv(
        'time;close\n1700000000000;1\n2024-03-01T10:30;2\n2024-03-01 11:00:00Z;3\n2024-03-01T14:00:00+02:00;4\n',
        {},
      ),
    );
    expect(Array.from(r.bars.time)).toEqual([
      1700000000000,
      Date.UTC(2024, 2, 1, 10, 30),
      Date.UTC(2024, 2, 1, 11),
      Date.UTC(2024, 2, 1, 12),
    ]);
  });

  it('uses a chosen column as the close even in an OHLC file', () => {
    const r = ok(parseBarsCsv(`${OHLC},adj close\n2024-01-01,1,2,0.5,1.5,10,1.4\n`, { column: 'Adj Close' }));
    expect(r.bars.close[0]).toBe(1.4);
    expect(r.bars.closeOnly).toBe(true);
  });
});

describe('parseBarsCsv: problems with their line and column', () => {
  const cases: [string, string, { row: number | null; column: string | null; message: RegExp }][] = [
    ['an empty cell', `${OHLC}\n2024-01-01,1,2,0.5,,10\n`, { row: 2, column: 'close', message: /empty close/ }],
    ['not a number', `${OHLC}\n2024-01-01,1,2,0.5,1.5,10\n2024-01-02,1,2x,0.5,1.5,10\n`, { row: 3, column: 'high', message: /"2x" is not a number/ }],
    ['a price of zero', `${OHLC}\n2024-01-01,0,2,0.5,1.5,10\n`, { row: 2, column: 'open', message: /prices must be above zero/ }],
    ['high below low', `${OHLC}\n2024-01-01,1,0.4,0.5,0.45,10\n`, { row: 2, column: 'high', message: /high 0.4 is below low 0.5/ }],
    ['high below the close', `${OHLC}\n2024-01-01,1,2,0.5,2.5,10\n`, { row: 2, column: 'high', message: /high 2 is below the close 2.5/ }],
    ['low above the open', `${OHLC}\n2024-01-01,0.6,2,0.7,1,10\n`, { row: 2, column: 'low', message: /low 0.7 is above the open 0.6/ }],
    ['negative volume', `${OHLC}\n2024-01-01,1,2,0.5,1.5,-3\n`, { row: 2, column: 'volume', message: /volume cannot be negative/ }],
    ['an unreadable date', `${OHLC}\n31/01/2024,1,2,0.5,1.5,1\n`, { row: 2, column: 'date', message: /cannot read the date "31\/01\/2024"/ }],
    ['an impossible date', `${OHLC}\n2023-02-30,1,2,0.5,1.5,1\n`, { row: 2, column: 'date', message: /cannot read the date/ }],
    ['a missing field', `${OHLC}\n2024-01-01,1,2,0.5,1.5,1\n\n2024-01-02,1,2,0.5,1.5\n`, { row: 4, column: null, message: /5 fields but the header has 6/ }],
    ['no date column', 'open,high,low,close\n1,2,0.5,1.5\n', { row: 1, column: null, message: /no date column/ }],
  ];
  it.each(cases)('reports %s', (_, text, expected) => {
    const r = problems(parseBarsCsv(text, {}));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ row: expected.row, column: expected.column });
    expect(r.problems[0]!.message).toMatch(expected.message);
    expect(r.fixable).toBeNull();
  });

  it('counts lines through quoted line breaks', () => {
    const r = problems(parseBarsCsv('date,note,close\n2024-01-01,"two\nlines",1\n2024-01-02,x,-1\n', { column: 'close' }));
    expect(r.problems[0]).toMatchObject({ row: 4, column: 'close' });
  });

  it(`lists at most ${MAX_PROBLEMS} problems and says how many more there are`, () => {
    const rows = Array.from({ length: 80 }, (_, i) => `2024-01-${String((i % 28) + 1).padStart(2, '0')},x`);
    const r = problems(parseBarsCsv(`date,close\n${rows.join('\n')}`, {}));
    expect(r.problems).toHaveLength(MAX_PROBLEMS);
    expect(r.problems.at(-1)!.message).toMatch(/^31 more problems not listed/);
    expect(r.problems[0]).toMatchObject({ row: 2, column: 'close' });
  });

  it('refuses an empty file and a header without rows', () => {
    expect(problems(parseBarsCsv('', {})).problems[0]!.message).toMatch(/the file is empty/);
    expect(problems(parseBarsCsv(`${OHLC}\n\n`, {})).problems[0]!.message).toMatch(/no rows/);
  });
});

describe('parseBarsCsv: order of rows', () => {
  const text = [
    'date,close',
    '2024-01-03,3',
    '2024-01-01,1',
    '2024-01-02,2',
    '2024-01-02,2.5',
    '2024-01-04,4',
  ].join('\n');

  it('refuses rows out of order or repeated, with counts it could fix', () => {
    const r = problems(parseBarsCsv(text, {}));
    expect(r.fixable).toEqual({ outOfOrder: 1, duplicates: 1 });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ row: 3, column: 'date' });
    expect(r.problems[0]!.message).toMatch(/1 row comes before an earlier time and 1 row repeats a time/);
  });

  it('with fixOrder sorts oldest first and keeps the last row of a repeated time', () => {
    const r = ok(parseBarsCsv(text, { fixOrder: true }));
    expect(Array.from(r.bars.close)).toEqual([1, 2.5, 3, 4]);
    expect(Array.from(r.bars.time)).toEqual([1, 2, 3, 4].map((d) => Date.UTC(2024, 0, d)));
    expect(r.fixed).toEqual({ reordered: 1, duplicatesDropped: 1 });
  });

  it('does not offer a fix while other problems remain', () => {
    const r = problems(parseBarsCsv(`${text}\n2024-01-05,-1`, { fixOrder: true }));
    expect(r.fixable).toBeNull();
    expect(r.problems[0]).toMatchObject({ row: 7, column: 'close' });
  });
});

describe('parseBarsCsv: separate date and time columns', () => {
  /** `days` days of hourly bars from 09:00 to 16:00, with the date and the time in columns of their own. */
  function hourly(days: number, header = 'Date,Time,Open,High,Low,Close,Volume'): string {
    const rows = [header];
    for (let d = 1; d <= days; d++)
      for (let h = 9; h <= 16; h++) {
        const p = 100 + d + h / 100;
        rows.push(`2024-03-${String(d).padStart(2, '0')},${String(h).padStart(2, '0')}:00,${p},${p + 1},${p - 1},${p + 0.5},${h}`);
      }
    return rows.join('\n');
  }

  it('joins them: every hourly row is a bar of its own, at its date and time in UTC', () => {
    const r = ok(parseBarsCsv(hourly(5), {}));
    expect(r.bars.time).toHaveLength(40);
    expect(r.bars.time[0]).toBe(Date.UTC(2024, 2, 1, 9));
    expect(r.bars.time[7]).toBe(Date.UTC(2024, 2, 1, 16));
    expect(r.bars.time[8]).toBe(Date.UTC(2024, 2, 2, 9));
    expect(r.bars.time[39]).toBe(Date.UTC(2024, 2, 5, 16));
    expect(r.bars.close[9]).toBeCloseTo(102.6, 12);
    expect(r.fixed).toBeNull();
    // The time of day is not a price.
    expect(r.columns).toEqual(['Open', 'High', 'Low', 'Close']);
  });

  it('joins them for a single price column too, and names the time column when a time is unreadable', () => {
    const ok1 = ok(parseBarsCsv('date,time,price\n2024-03-01,09:30,1\n2024-03-01,10:30:15,2\n', {}));
    expect(Array.from(ok1.bars.time)).toEqual([Date.UTC(2024, 2, 1, 9, 30), Date.UTC(2024, 2, 1, 10, 30, 15)]);
    const bad = problems(parseBarsCsv('date,time,price\n2024-03-01,9h30,1\n2024-03-01,,2\n', {}));
    expect(bad.problems).toEqual([
      { row: 2, column: 'time', message: expect.stringMatching(/cannot read the time "9h30"/) },
      { row: 3, column: 'time', message: expect.stringMatching(/empty time/) },
    ]);
  });

  it('refuses a file whose times mostly repeat, asking for the time column, without offering to fix the order', () => {
    // Hourly rows whose time of day sits in a column the importer does not know: 40 rows, 5 dates.
    const text = hourly(5, 'Date,Hour,Open,High,Low,Close,Volume');
    for (const fixOrder of [false, true]) {
      const r = problems(parseBarsCsv(text, { fixOrder }));
      expect(r.fixable).toBeNull();
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toMatchObject({ row: 3, column: 'Date' });
      expect(r.problems[0]!.message).toMatch(/^35 of 40 rows repeat a time: is there a separate time column\?/);
    }
  });

  it('still offers to fix a few repeated rows', () => {
    const text = 'date,close\n2024-01-01,1\n2024-01-02,2\n2024-01-02,2.5\n2024-01-03,3\n';
    expect(problems(parseBarsCsv(text, {})).fixable).toEqual({ outOfOrder: 0, duplicates: 1 });
  });
});

describe('parseBarsCsv: the header line', () => {
  it('names the line the header is on when blank lines come before it', () => {
    const r = problems(parseBarsCsv('\n\nopen,high,low,close\n1,2,0.5,1.5\n', {}));
    expect(r.problems[0]).toMatchObject({ row: 3, column: null, message: expect.stringMatching(/no date column/) });
    const column = problems(parseBarsCsv('\n\ndate,a,b\n2024-01-01,1,2\n', { column: 'c' }));
    expect(column.problems[0]).toMatchObject({ row: 3, column: 'c' });
  });
});
