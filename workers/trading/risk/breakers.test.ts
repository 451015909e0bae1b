import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.js';
import {
  initialBreakerState,
  killSwitch,
  observeClosedTrade,
  observeEquity,
  rearm,
  utcDayStart,
  type BreakerState,
} from './breakers.js';
import { defaultRiskLimits, type RiskLimits } from './limits.js';

const D = (v: string | number) => Decimal.from(v);
const DAY = 86_400_000;
const NOON = Date.UTC(2024, 0, 15, 12, 0, 0);
const MIDNIGHT = Date.UTC(2024, 0, 15);
const L = defaultRiskLimits;

function feed(state: BreakerState, equities: Array<string | number>, now = NOON, limits: RiskLimits = L) {
  let s = state;
  let tripped = null;
  for (const e of equities) {
    const r = observeEquity(s, D(e), now, limits);
    s = r.state;
    tripped = r.tripped ?? tripped;
  }
  return { state: s, tripped };
}

function tradesOf(state: BreakerState, pnls: Array<string | number>, limits: RiskLimits = L) {
  let s = state;
  let tripped = null;
  for (const p of pnls) {
    const r = observeClosedTrade(s, D(p), NOON, limits);
    s = r.state;
    tripped = r.tripped ?? tripped;
  }
  return { state: s, tripped };
}

describe('breakers', () => {
  it('start armed from the current equity at the UTC day', () => {
    expect(initialBreakerState(D('10000'), NOON)).toEqual({
      halted: false,
      rule: null,
      reason: null,
      haltedAt: null,
      equityPeak: '10000',
      dayStart: MIDNIGHT,
      dayStartEquity: '10000',
      consecutiveLosses: 0,
    });
    expect(utcDayStart(MIDNIGHT)).toBe(MIDNIGHT);
    expect(utcDayStart(MIDNIGHT - 1)).toBe(MIDNIGHT - DAY);
    expect(utcDayStart(-1)).toBe(-DAY);
    expect(() => initialBreakerState(D(1), NaN)).toThrow(TypeError);
  });

  describe('daily-loss', () => {
    it('stays armed while the loss since 00:00 UTC is below the limit', () => {
      const { state, tripped } = feed(initialBreakerState(D('10000'), NOON), ['9500', '9000.01']);
      expect(tripped).toBeNull();
      expect(state.halted).toBe(false);
    });
    it('trips when the loss reaches the limit, with the numbers', () => {
      const { state, tripped } = feed(initialBreakerState(D('10000'), NOON), ['9500', '9000']);
      expect(tripped?.rule).toBe('daily-loss');
      expect(tripped?.message).toBe(
        'Trading halted: equity fell 1,000 since 00:00 UTC (from 10,000 to 9,000), reaching the daily loss limit of 1,000.',
      );
      expect(state).toMatchObject({ halted: true, rule: 'daily-loss', haltedAt: NOON });
      expect(state.reason).toContain('1,000');
    });
    it('measures a new UTC day from the equity at its first observation', () => {
      let s = feed(initialBreakerState(D('10000'), NOON), ['9200']).state;
      s = observeEquity(s, D('9200'), NOON + DAY, L).state;
      expect(s.dayStart).toBe(MIDNIGHT + DAY);
      expect(s.dayStartEquity).toBe('9200');
      // 1,700 below yesterday's start, but only 900 today.
      const r = observeEquity(s, D('8300'), NOON + DAY + 1000, L);
      expect(r.tripped).toBeNull();
      expect(observeEquity(r.state, D('8200'), NOON + DAY + 2000, L).tripped?.rule).toBe('daily-loss');
    });
  });

  describe('drawdown', () => {
    const limits = { ...L, dailyLossLimit: '1000000' };
    it('follows the peak and stays armed below the max drawdown', () => {
      const { state, tripped } = feed(initialBreakerState(D('10000'), NOON), ['12000', '9700'], NOON, limits);
      expect(tripped).toBeNull();
      expect(state.equityPeak).toBe('12000');
    });
    it('trips at the max drawdown from the peak, with the numbers', () => {
      const { state, tripped } = feed(initialBreakerState(D('10000'), NOON), ['12000', '9600'], NOON, limits);
      expect(tripped?.rule).toBe('drawdown');
      expect(tripped?.message).toBe(
        'Trading halted: equity 9,600 is 20 % below its peak of 12,000, reaching the max drawdown of 20 %.',
      );
      expect(state).toMatchObject({ halted: true, rule: 'drawdown' });
    });
  });

  describe('losing-streak', () => {
    it('counts losses and resets on a win or break-even', () => {
      let r = tradesOf(initialBreakerState(D('10000'), NOON), ['-1', '-2', '-3', '-4']);
      expect(r.tripped).toBeNull();
      expect(r.state.consecutiveLosses).toBe(4);
      r = tradesOf(r.state, ['0']);
      expect(r.state.consecutiveLosses).toBe(0);
      r = tradesOf(r.state, ['-1', '-1', '5']);
      expect(r.state.consecutiveLosses).toBe(0);
      expect(r.state.halted).toBe(false);
    });
    it('trips at the limit, with the numbers', () => {
      const r = tradesOf(initialBreakerState(D('10000'), NOON), ['-1', '-2', '-3', '-4', '-12.5']);
      expect(r.tripped?.rule).toBe('losing-streak');
      expect(r.tripped?.message).toBe(
        'Trading halted: 5 losing trades in a row (the last lost 12.5) reached the limit of 5.',
      );
      expect(r.state).toMatchObject({ halted: true, rule: 'losing-streak', consecutiveLosses: 5 });
    });
  });

  describe('kill-switch', () => {
    it('halts at once and pressing it again keeps the first time', () => {
      const s = killSwitch(initialBreakerState(D('10000'), NOON), NOON);
      expect(s).toMatchObject({
        halted: true,
        rule: 'kill-switch',
        haltedAt: NOON,
        reason: 'the kill switch was pressed',
      });
      expect(killSwitch(s, NOON + 5000)).toBe(s);
    });
    it('overrides a breaker halt', () => {
      const tripped = feed(initialBreakerState(D('10000'), NOON), ['8000']).state;
      expect(killSwitch(tripped, NOON + 1).rule).toBe('kill-switch');
    });
    it('halts even without a readable clock', () => {
      expect(killSwitch(initialBreakerState(D('1'), NOON), NaN).halted).toBe(true);
    });
  });

  describe('rearm', () => {
    it('is refused when not halted', () => {
      const r = rearm(initialBreakerState(D('10000'), NOON), D('10000'), NOON, L);
      expect(r).toEqual({ ok: false, message: 'Trading is not halted: there is nothing to re-arm.' });
    });
    it('is refused during the cool-down, saying how long is left', () => {
      const s = killSwitch(initialBreakerState(D('10000'), NOON), NOON);
      expect(rearm(s, D('10000'), NOON + 18_500, L)).toEqual({
        ok: false,
        message: 'Re-arm possible in 42 s.',
      });
      expect(rearm(s, D('10000'), NOON + 59_999, L)).toEqual({
        ok: false,
        message: 'Re-arm possible in 1 s.',
      });
      const long = { ...L, coolDownMs: 3_600_000 };
      expect(rearm(s, D('10000'), NOON + 1000, long)).toEqual({
        ok: false,
        message: 'Re-arm possible in 59 min 59 s.',
      });
    });
    it('lifts the halt after the cool-down and restarts the peak and the streak', () => {
      let s = tradesOf(initialBreakerState(D('10000'), NOON), ['-1', '-1', '-1', '-1']).state;
      s = killSwitch(s, NOON);
      const r = rearm(s, D('9950'), NOON + 60_000, L);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.state).toMatchObject({
        halted: false,
        rule: null,
        reason: null,
        haltedAt: null,
        equityPeak: '9950',
        consecutiveLosses: 0,
        // The day's loss was below the limit: it keeps counting from 00:00 UTC.
        dayStartEquity: '10000',
      });
    });
    it('does not trip again at once on the condition that halted it', () => {
      const limits = { ...L, dailyLossLimit: '1000000' };
      const dd = feed(initialBreakerState(D('10000'), NOON), ['7000'], NOON, limits).state;
      expect(dd.rule).toBe('drawdown');
      const a = rearm(dd, D('7000'), NOON + 60_000, limits);
      expect(a.ok && observeEquity(a.state, D('7000'), NOON + 60_001, limits).tripped).toBeNull();

      const dl = feed(initialBreakerState(D('10000'), NOON), ['8900']).state;
      expect(dl.rule).toBe('daily-loss');
      const b = rearm(dl, D('8900'), NOON + 60_000, L);
      expect(b.ok && b.state.dayStartEquity).toBe('8900');
      expect(b.ok && observeEquity(b.state, D('8900'), NOON + 60_001, L).tripped).toBeNull();

      const ls = tradesOf(initialBreakerState(D('10000'), NOON), ['-1', '-1', '-1', '-1', '-1']).state;
      const c = rearm(ls, D('10000'), NOON + 60_000, L);
      expect(c.ok && observeClosedTrade(c.state, D('-1'), NOON + 60_001, L).tripped).toBeNull();
    });
    it('is refused without a readable equity or time', () => {
      const s = killSwitch(initialBreakerState(D('10000'), NOON), NOON);
      expect(rearm(s, null as unknown as Decimal, NOON + DAY, L).ok).toBe(false);
      expect(rearm(s, D('1'), NaN, L).ok).toBe(false);
    });
  });

  it('ignores unreadable observations', () => {
    const s = initialBreakerState(D('10000'), NOON);
    expect(observeEquity(s, null as unknown as Decimal, NOON, L)).toEqual({ state: s, tripped: null });
    expect(observeEquity(s, D('1'), NaN, L)).toEqual({ state: s, tripped: null });
    expect(observeClosedTrade(s, undefined as unknown as Decimal, NOON, L)).toEqual({
      state: s,
      tripped: null,
    });
  });

  it('fall back to the safe defaults when a limit is unusable, rather than disarm', () => {
    const broken = { ...L, dailyLossLimit: 'NaN', maxConsecutiveLosses: -3 } as unknown as RiskLimits;
    expect(feed(initialBreakerState(D('10000'), NOON), ['9000'], NOON, broken).tripped?.rule).toBe(
      'daily-loss',
    );
    expect(tradesOf(initialBreakerState(D('1'), NOON), [-1, -1, -1, -1, -1], broken).tripped?.rule).toBe(
      'losing-streak',
    );
  });
});

// ---------------------------------------------------------------------------------------------------

type Op =
  | { kind: 'equity'; equity: number; dt: number }
  | { kind: 'trade'; pnl: number; dt: number }
  | { kind: 'kill'; dt: number }
  | { kind: 'rearm'; equity: number; dt: number };

const dtArb = fc.oneof(fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 0, max: 3 * DAY }));
const cents = (min: number, max: number) =>
  fc.integer({ min: min * 100, max: max * 100 }).map((c) => c / 100);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('equity' as const), equity: cents(0, 20_000), dt: dtArb }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('trade' as const), pnl: cents(-500, 200), dt: dtArb }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('kill' as const), dt: dtArb }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('rearm' as const), equity: cents(0, 20_000), dt: dtArb }),
  },
);

describe('breaker properties', () => {
  it('a halted state never un-halts without a re-arm, and every trip halts', () => {
    let haltedSteps = 0;
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        let s = initialBreakerState(D('10000'), NOON);
        let now = NOON;
        for (const op of ops) {
          now += op.dt;
          const wasHalted = s.halted;
          let next: BreakerState;
          if (op.kind === 'equity') {
            const r = observeEquity(s, D(op.equity), now, L);
            if (r.tripped) {
              expect(wasHalted).toBe(false);
              expect(r.state).toMatchObject({ halted: true, rule: r.tripped.rule, haltedAt: now });
            }
            next = r.state;
          } else if (op.kind === 'trade') {
            const r = observeClosedTrade(s, D(op.pnl), now, L);
            if (r.tripped) {
              expect(r.state).toMatchObject({ halted: true, rule: 'losing-streak', haltedAt: now });
            }
            next = r.state;
          } else if (op.kind === 'kill') {
            next = killSwitch(s, now);
            expect(next.halted).toBe(true);
          } else {
            const r = rearm(s, D(op.equity), now, L);
            if (r.ok) {
              expect(wasHalted).toBe(true);
              expect(now).toBeGreaterThanOrEqual((s.haltedAt ?? -Infinity) + L.coolDownMs);
            }
            next = r.ok ? r.state : s;
          }
          if (wasHalted && op.kind !== 'rearm') {
            haltedSteps++;
            expect(next.halted).toBe(true);
            expect(next.rule).not.toBeNull();
            expect(next.haltedAt).not.toBeNull();
          }
          s = next;
        }
      }),
      { numRuns: 400 },
    );
    // The runs did reach halted states and kept feeding them.
    expect(haltedSteps).toBeGreaterThan(100);
  });
});
