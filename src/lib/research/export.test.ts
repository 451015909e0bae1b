import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BacktestReport, BacktestRequest, ExitReason, SimTrade } from '$workers/api';
import {
  EQUITY_COLUMNS,
  TRADE_COLUMNS,
  csvCell,
  equityCsv,
  exportFileName,
  reportJson,
  tradesCsv,
} from './export';

/** A minimal CSV reader for the tests: quoted cells with doubled quotes, no line breaks inside cells. */
function readCsv(text: string): string[][] {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      const cells: string[] = [];
      let cell = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i] as string;
        if (quoted) {
          if (c === '"' && line[i + 1] === '"') {
            cell += '"';
            i++;
          } else if (c === '"') quoted = false;
          else cell += c;
        } else if (c === '"') quoted = true;
        else if (c === ',') {
          cells.push(cell);
          cell = '';
        } else cell += c;
      }
      cells.push(cell);
      return cells;
    });
}

const reasons: ExitReason[] = ['signal', 'stop-loss', 'take-profit', 'trailing', 'end'];
const day = 86_400_000;

const tradeArb: fc.Arbitrary<SimTrade> = fc
  .record({
    entryIndex: fc.nat(1000),
    length: fc.integer({ min: 1, max: 50 }),
    entryPrice: fc.double({ min: 0.01, max: 1e6, noNaN: true }),
    exitPrice: fc.double({ min: 0.01, max: 1e6, noNaN: true }),
    units: fc.double({ min: 1e-6, max: 1e4, noNaN: true }),
    fees: fc.double({ min: 0, max: 100, noNaN: true }),
    reason: fc.constantFrom(...reasons),
  })
  .map((r) => {
    const pnl = (r.exitPrice - r.entryPrice) * r.units - r.fees;
    return {
      entryIndex: r.entryIndex,
      exitIndex: r.entryIndex + r.length,
      entryTime: Date.UTC(2020, 0, 1) + r.entryIndex * day,
      exitTime: Date.UTC(2020, 0, 1) + (r.entryIndex + r.length) * day,
      entryPrice: r.entryPrice,
      exitPrice: r.exitPrice,
      units: r.units,
      pnl,
      returnPct: pnl / (r.entryPrice * r.units + r.fees),
      fees: r.fees,
      bars: r.length,
      exitReason: r.reason,
    };
  });

describe('trades CSV', () => {
  it('has the header and one row per trade that reads back to the same numbers and ISO dates', () => {
    fc.assert(
      fc.property(fc.array(tradeArb, { maxLength: 30 }), (trades) => {
        const rows = readCsv(tradesCsv(trades));
        expect(rows[0]).toEqual([...TRADE_COLUMNS]);
        expect(rows.length).toBe(trades.length + 1);
        trades.forEach((t, i) => {
          const row = rows[i + 1] as string[];
          expect(new Date(row[0] as string).getTime()).toBe(t.entryTime);
          expect(row[1]).toBe(new Date(t.exitTime).toISOString());
          expect(Number(row[2])).toBe(t.entryPrice);
          expect(Number(row[5])).toBe(t.pnl);
          expect(Number(row[8])).toBe(t.bars);
          expect(row[9]).toBe(t.exitReason);
        });
      }),
    );
  });

  it('leaves a cell empty for a number that is not finite instead of writing NaN or Infinity', () => {
    const [t] = fc.sample(tradeArb, { seed: 3, numRuns: 1 }) as [SimTrade];
    const text = tradesCsv([{ ...t, returnPct: Number.NaN, pnl: Number.POSITIVE_INFINITY }]);
    const row = readCsv(text)[1] as string[];
    expect(row[5]).toBe('');
    expect(row[6]).toBe('');
    expect(text).not.toMatch(/NaN|Infinity/);
  });
});

describe('equity CSV', () => {
  it('writes one row per bar with the time, equity, drawdown and position', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { maxLength: 40 }), (values) => {
        const n = values.length;
        const time = Float64Array.from(values, (_, i) => Date.UTC(2021, 5, 1) + i * 3_600_000);
        const equity = Float64Array.from(values);
        let peak = -Infinity;
        const drawdown = equity.map((e) => {
          peak = Math.max(peak, e);
          return 1 - e / peak;
        });
        const position = Float64Array.from(values, (_, i) => i % 2);
        const rows = readCsv(equityCsv({ time, equity, drawdown, position }));
        expect(rows[0]).toEqual([...EQUITY_COLUMNS]);
        expect(rows.length).toBe(n + 1);
        for (let i = 0; i < n; i++) {
          const row = rows[i + 1] as string[];
          expect(Date.parse(row[0] as string)).toBe(time[i]);
          expect(Number(row[1])).toBe(equity[i]);
          expect(Number(row[2])).toBe(drawdown[i]);
          expect(Number(row[3])).toBe(position[i]);
        }
      }),
    );
  });
});

describe('report JSON', () => {
  const request: BacktestRequest = {
    datasetId: 'd1',
    from: null,
    to: null,
    strategy: { kind: 'builtin', id: 'sma-cross', params: { fast: 10, slow: 50 } },
    config: {
      capital: 1000,
      fee: 0.001,
      slippage: { model: 'none' },
      execution: 'close',
      periodsPerYear: null,
    },
  };
  const [trade] = fc.sample(tradeArb, { seed: 9, numRuns: 1 }) as [SimTrade];
  const report: BacktestReport = {
    result: {
      time: Float64Array.of(Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 2)),
      equity: Float64Array.of(1000, 1010),
      drawdown: Float64Array.of(0, 0),
      position: Float64Array.of(0, 1),
      signals: [{ i: 1, time: Date.UTC(2020, 0, 2), action: 'buy', reason: 'signal', units: Number.NaN }],
      fills: [],
      trades: [trade],
      metrics: {
        start_equity: 1000,
        final_equity: 1010,
        total_return: 0.01,
        cagr: 0.5,
        volatility_annualised: 0.1,
        sharpe: 1,
        sortino: 2,
        calmar: Number.POSITIVE_INFINITY,
        max_drawdown: 0,
        max_drawdown_duration_bars: 0,
        win_rate: Number.NaN,
        profit_factor: Number.NaN,
        expectancy: Number.NaN,
        exposure: 0.5,
        trades: 1,
        fees_paid: 0,
        periods_per_year: 252,
        bars: 2,
      },
      error: null,
      conventions: ['Orders fill at the close of the signal bar.'],
    },
    close: Float64Array.of(1, 2),
    overlays: {},
    dataset: {
      id: 'd1',
      name: 'DAX',
      source: 'csv',
      bars: 2,
      first: Date.UTC(2020, 0, 1),
      last: Date.UTC(2020, 0, 2),
      closeOnly: true,
      createdAt: Date.UTC(2024, 0, 1),
    },
  };

  it('is valid JSON with null for every number that is not finite, and plain arrays', () => {
    const parsed = JSON.parse(reportJson(report, request));
    expect(parsed.metrics.calmar).toBeNull();
    expect(parsed.metrics.win_rate).toBeNull();
    expect(parsed.metrics.total_return).toBe(0.01);
    expect(parsed.signals[0].units).toBeNull();
    expect(parsed.equity).toEqual([
      { time: '2020-01-01T00:00:00.000Z', equity: 1000, drawdown: 0, position: 0 },
      { time: '2020-01-02T00:00:00.000Z', equity: 1010, drawdown: 0, position: 1 },
    ]);
  });

  it('carries the request, the conventions and the trades with ISO times', () => {
    const parsed = JSON.parse(reportJson(report, request));
    expect(parsed.request).toEqual(request);
    expect(parsed.conventions).toEqual(report.result.conventions);
    expect(parsed.trades).toHaveLength(1);
    expect(parsed.trades[0].entryTime).toBe(new Date(trade.entryTime).toISOString());
    expect(parsed.trades[0].pnl).toBe(trade.pnl);
    expect(parsed.dataset.first).toBe('2020-01-01T00:00:00.000Z');
  });
});

describe('CSV cells and file names', () => {
  it('quotes only cells that need it, and they read back unchanged', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/[\r\n]/.test(s)),
        (s) => {
          const cell = csvCell(s);
          if (!/[",]/.test(s)) expect(cell).toBe(s);
          expect(readCsv(`${cell}\n`)[0]).toEqual([s]);
        },
      ),
    );
  });

  it('makes a lowercase file name without spaces or slashes', () => {
    expect(exportFileName(['DAX 1991/1998', 'SMA cross', 'trades'], 'csv')).toBe(
      'dax-1991-1998-sma-cross-trades.csv',
    );
    expect(exportFileName(['***'], 'json')).toBe('backtest.json');
  });
});
