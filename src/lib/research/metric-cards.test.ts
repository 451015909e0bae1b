import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BacktestMetrics } from '$workers/api';
import { metricCards } from './metric-cards';

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });

const metricsArb: fc.Arbitrary<BacktestMetrics> = fc.record({
  start_equity: finite,
  final_equity: finite,
  total_return: finite,
  cagr: finite,
  volatility_annualised: finite,
  sharpe: finite,
  sortino: finite,
  calmar: finite,
  max_drawdown: fc.double({ min: 0, max: 1, noNaN: true }),
  max_drawdown_duration_bars: fc.nat(10_000),
  win_rate: fc.double({ min: 0, max: 1, noNaN: true }),
  profit_factor: finite,
  expectancy: finite,
  exposure: fc.double({ min: 0, max: 1, noNaN: true }),
  trades: fc.nat(10_000),
  fees_paid: fc.double({ min: 0, max: 1e6, noNaN: true }),
  periods_per_year: fc.constant(252),
  bars: fc.nat(100_000),
});

describe('metric cards', () => {
  it('shows the twelve metrics the brief lists, each with a number and no reason when finite', () => {
    fc.assert(
      fc.property(metricsArb, (m) => {
        const cards = metricCards(m, 'USDT');
        expect(cards.map((c) => c.id)).toEqual([
          'total_return',
          'cagr',
          'sharpe',
          'sortino',
          'calmar',
          'max_drawdown',
          'win_rate',
          'profit_factor',
          'expectancy',
          'exposure',
          'trades',
          'fees_paid',
        ]);
        for (const c of cards) {
          expect(c.title).toBeNull();
          expect(c.text).toMatch(/\d/);
          expect(c.text).not.toMatch(/n\/a|∞|NaN/);
        }
      }),
    );
  });

  it('says n/a with the reason for NaN and ∞ for infinity, and never 0', () => {
    fc.assert(
      fc.property(
        metricsArb,
        fc.constantFrom('sharpe', 'profit_factor', 'calmar', 'win_rate', 'expectancy'),
        (m, id) => {
          const nan = metricCards({ ...m, [id]: Number.NaN }).find((c) => c.id === id);
          expect(nan?.text).toBe('n/a');
          expect(nan?.title?.length).toBeGreaterThan(10);
          const inf = metricCards({ ...m, [id]: Number.POSITIVE_INFINITY }).find((c) => c.id === id);
          expect(inf?.text).toBe('∞');
          expect(inf?.title?.length).toBeGreaterThan(10);
        },
      ),
    );
  });

  it('shows returns with their sign and colour, the drawdown as percent with its duration', () => {
    const [m] = fc.sample(metricsArb, { seed: 1, numRuns: 1 }) as [BacktestMetrics];
    const cards = metricCards({
      ...m,
      total_return: 0.1234,
      max_drawdown: 0.25,
      max_drawdown_duration_bars: 42,
      trades: 1234,
    });
    const byId = Object.fromEntries(cards.map((c) => [c.id, c]));
    expect(byId.total_return?.text).toBe('+12.34%');
    expect(byId.total_return?.tone).toBe('up');
    expect(byId.max_drawdown?.text).toBe('25.00%');
    expect(byId.max_drawdown?.sub).toBe('longest 42 bars under a peak');
    expect(byId.trades?.text).toBe('1,234');
    const loss = metricCards({ ...m, total_return: -0.05 }).find((c) => c.id === 'total_return');
    expect(loss?.text).toBe('−5.00%');
    expect(loss?.tone).toBe('down');
  });
});
