import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sliceColumns } from '../market/candle-series.js';
import { AlertEvaluator } from './evaluator.js';
import { hourlyCandles, percentMoveSpec, priceCrossSpec, rsiSpec, T0 } from './test-support.js';
import type { AlertFiring, AlertSpec, CrossDirection, MoveDirection } from './types.js';

/*
 * What is proved here, for any path of prices x_0..x_n (one per second), level L and band b = L x h:
 *
 * (1) Exact count. Classify each x_i as D (x_i < L - b, re-arms), U (x_i >= L, fires) or M (in between);
 *     x_0 counts as D when below L, else U (the first observation only sets the side). Dropping the Ms,
 *     an 'above' alert fires exactly once per adjacent D -> U pair; 'below' mirrors it; 'either' is their
 *     sum. The oracle computes this from the whole path, without the evaluator's state machine.
 * (2) Hence firings <= raw crossings (i >= 1 with x_{i-1} < L <= x_i), with equality when b = 0.
 * (3) Between two firings of an 'above' alert there is a price below L - b (a re-arm).
 * (4) A 'once' alert fires at most once, whatever the path or kind.
 * (5) Snoozing changes no crossing state, and the firings are exactly the unsnoozed firings at or after
 *     the end of the snooze.
 * (6) Delivering any event again (immediately, or replaying an older one later) changes nothing.
 * (7) Percent moves: with samples at least one window slice apart, firings equal the D -> U count of the
 *     move from the oldest price within the window (brute force, in exact integer arithmetic: a move of
 *     exactly the percent fires even where floats put it a hair under), per direction.
 * (8) Candles delivered in one batch fire at the same candles, with the same values, as one by one.
 */

const RUNS = { numRuns: 300 };

// Quarter units are exact in binary, so the oracle's comparisons and the evaluator's agree bit for bit.
const price = fc.integer({ min: 1, max: 200 }).map((k) => k / 4);
const path = fc.array(price, { minLength: 1, maxLength: 60 });
const level = fc.integer({ min: 1, max: 200 }).map((k) => String(k / 4));
const band = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.1, noNaN: true }));
const direction = fc.constantFrom<CrossDirection>('above', 'below', 'either');

/** A level and a path that hovers within a few quarters of it: where bands and touches matter. */
const hovering = fc
  .record({
    k: fc.integer({ min: 80, max: 200 }),
    offsets: fc.array(fc.integer({ min: -12, max: 12 }), { minLength: 1, maxLength: 60 }),
  })
  .map(({ k, offsets }) => ({ lv: String(k / 4), xs: offsets.map((o) => (k + o) / 4) }));
const pathAndLevel = fc.oneof(fc.record({ lv: level, xs: path }), hovering);

function run(ev: AlertEvaluator, symbol: string, xs: readonly number[]): AlertFiring[] {
  return xs.flatMap((x, i) => ev.price(symbol, T0 + i * 1000, x, { live: true }));
}

type Zone = 'D' | 'U' | 'M';

/** D -> U pairs once the Ms are dropped; `zone` classifies every value but the first. */
function dToU(values: readonly number[], first: (v: number) => Zone, zone: (v: number) => Zone): number {
  const zones = values.map((v, i) => (i === 0 ? first(v) : zone(v))).filter((z) => z !== 'M');
  let n = 0;
  for (let i = 1; i < zones.length; i++) if (zones[i - 1] === 'D' && zones[i] === 'U') n++;
  return n;
}

function oracleUp(xs: readonly number[], L: number, h: number): number {
  const lower = L - L * h;
  return dToU(
    xs,
    (v) => (v < L ? 'D' : 'U'),
    (v) => (v >= L ? 'U' : v < lower ? 'D' : 'M'),
  );
}

function oracleDown(xs: readonly number[], L: number, h: number): number {
  const upper = L + L * h;
  return dToU(
    xs,
    (v) => (v > L ? 'D' : 'U'),
    (v) => (v <= L ? 'U' : v > upper ? 'D' : 'M'),
  );
}

function rawCrossings(xs: readonly number[], L: number, dir: CrossDirection): number {
  let n = 0;
  for (let i = 1; i < xs.length; i++) {
    const a = xs[i - 1] as number;
    const b = xs[i] as number;
    if (dir !== 'below' && a < L && b >= L) n++;
    if (dir !== 'above' && a > L && b <= L) n++;
  }
  return n;
}

describe('price-cross properties', () => {
  it('(1)(2) fires exactly once per hysteresis-separated crossing; never more than the raw crossings', () => {
    fc.assert(
      fc.property(pathAndLevel, band, direction, ({ xs, lv }, h, dir) => {
        const ev = new AlertEvaluator([priceCrossSpec({ level: lv, hysteresis: h, direction: dir })]);
        const fired = run(ev, 'BTC/USDT', xs);
        const L = Number(lv);
        const up = dir === 'below' ? 0 : oracleUp(xs, L, h);
        const down = dir === 'above' ? 0 : oracleDown(xs, L, h);
        expect(fired.length).toBe(up + down);
        const raw = rawCrossings(xs, L, dir);
        expect(fired.length).toBeLessThanOrEqual(raw);
        if (h === 0) expect(fired.length).toBe(raw);
      }),
      RUNS,
    );
  });

  it('(3) never fires twice without the price going back past the band in between', () => {
    fc.assert(
      fc.property(pathAndLevel, band, ({ xs, lv }, h) => {
        const ev = new AlertEvaluator([priceCrossSpec({ level: lv, hysteresis: h })]);
        const at = run(ev, 'BTC/USDT', xs).map((f) => (f.time - T0) / 1000);
        const L = Number(lv);
        for (let k = 1; k < at.length; k++) {
          const between = xs.slice((at[k - 1] as number) + 1, at[k]);
          expect(between.some((x) => x < L - L * h)).toBe(true);
        }
        // And each firing is at a price at or past the level.
        for (const i of at) expect(xs[i]).toBeGreaterThanOrEqual(L);
      }),
      RUNS,
    );
  });

  it('(4) a "once" alert fires at most once, then is disabled', () => {
    const once = fc.oneof(
      fc
        .record({ level, h: band, dir: direction })
        .map(({ level: lv, h, dir }): AlertSpec =>
          priceCrossSpec({ repeat: 'once', level: lv, hysteresis: h, direction: dir }),
        ),
      fc
        .record({
          p: fc.integer({ min: 1, max: 50 }),
          dir: fc.constantFrom<MoveDirection>('up', 'down', 'either'),
        })
        .map(({ p, dir }): AlertSpec =>
          percentMoveSpec({ repeat: 'once', symbol: 'BTC/USDT', percent: p, direction: dir }),
        ),
    );
    fc.assert(
      fc.property(path, once, (xs, spec) => {
        const ev = new AlertEvaluator([spec]);
        const fired = run(ev, 'BTC/USDT', xs);
        expect(fired.length).toBeLessThanOrEqual(1);
        expect(ev.alerts()[0]?.enabled).toBe(fired.length === 0);
        if (fired.length === 1) expect(fired[0]?.disabled).toBe(true);
      }),
      RUNS,
    );
  });

  it('(5) snooze never loses state: same crossing state, firings are the unsnoozed ones after waking', () => {
    fc.assert(
      fc.property(pathAndLevel, band, direction, fc.nat(60), ({ xs, lv }, h, dir, wakeAt) => {
        const spec = priceCrossSpec({ level: lv, hysteresis: h, direction: dir });
        const until = T0 + wakeAt * 1000;
        const awake = new AlertEvaluator([spec]);
        const snoozed = new AlertEvaluator([{ ...spec, snoozedUntil: until }]);
        const a: AlertFiring[] = [];
        const s: AlertFiring[] = [];
        xs.forEach((x, i) => {
          a.push(...awake.price('BTC/USDT', T0 + i * 1000, x, { live: true }));
          s.push(...snoozed.price('BTC/USDT', T0 + i * 1000, x, { live: true }));
          expect(snoozed.stateOf('price')?.channels).toEqual(awake.stateOf('price')?.channels);
        });
        expect(s).toEqual(a.filter((f) => f.time >= until));
      }),
      RUNS,
    );
  });
});

describe('duplicate events', () => {
  it('(6) repeating or replaying events changes neither the firings nor the state', () => {
    const events = fc.array(fc.record({ symbol: fc.constantFrom('BTC/USDT', 'ETH/USDT'), x: price }), {
      minLength: 1,
      maxLength: 50,
    });
    // For each event: how many extra copies follow it, and whether an older event is replayed after it.
    const noise = fc.array(fc.record({ copies: fc.nat(2), replay: fc.option(fc.nat(), { nil: null }) }), {
      minLength: 50,
      maxLength: 50,
    });
    fc.assert(
      fc.property(events, noise, level, band, (evs, nz, lv, h) => {
        const specs: AlertSpec[] = [
          priceCrossSpec({ id: 'p', level: lv, hysteresis: h, direction: 'either' }),
          percentMoveSpec({
            id: 'm',
            symbol: 'ETH/USDT',
            percent: 10,
            windowMs: 20_000,
            direction: 'either',
          }),
        ];
        const clean = new AlertEvaluator(specs);
        const noisy = new AlertEvaluator(specs);
        const a: AlertFiring[] = [];
        const b: AlertFiring[] = [];
        evs.forEach((e, i) => {
          const t = T0 + i * 1000;
          a.push(...clean.price(e.symbol, t, e.x, { live: true }));
          const n = nz[i] as { copies: number; replay: number | null };
          for (let c = 0; c <= n.copies; c++) b.push(...noisy.price(e.symbol, t, e.x, { live: true }));
          if (n.replay !== null) {
            const j = n.replay % (i + 1);
            const old = evs[j] as { symbol: string; x: number };
            b.push(...noisy.price(old.symbol, T0 + j * 1000, old.x, { live: true }));
          }
        });
        expect(b).toEqual(a);
        expect(noisy.toJSON()).toEqual(clean.toJSON());
      }),
      RUNS,
    );
  });
});

describe('percent-move properties', () => {
  const WINDOW = 240_000; // 240 slices of one second
  it('(7) fires exactly at the brute-force window moves crossing the percent', () => {
    const samples = fc.array(fc.record({ dt: fc.integer({ min: 1, max: 90 }), x: price }), {
      minLength: 1,
      maxLength: 60,
    });
    fc.assert(
      fc.property(
        samples,
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(0, 0.1, 0.5),
        fc.constantFrom<MoveDirection>('up', 'down', 'either'),
        (ss, pct, h, dir) => {
          let t = T0;
          const times = ss.map((s) => (t += s.dt * 1000));
          const xs = ss.map((s) => s.x);
          const spec = percentMoveSpec({
            symbol: 'BTC/USDT',
            percent: pct,
            windowMs: WINDOW,
            hysteresis: h,
            direction: dir,
          });
          const ev = new AlertEvaluator([spec]);
          const fired = xs.flatMap((x, i) => ev.price('BTC/USDT', times[i] as number, x, { live: true }));
          // Exactly, in integers (no float move): prices are k / 4, so with the reference at j / 4,
          // sign x move >= t % is sign x (k - j) x 100 >= t x j; times 10 to keep pct x (1 - h) whole.
          const tenths = Math.round(h * 10);
          const scaled = xs.map((x, i) => {
            const ref = xs[times.findIndex((u) => u >= (times[i] as number) - WINDOW)] as number;
            return { d: (x - ref) * 4 * 1000, j: ref * 4 };
          });
          const count = (sign: 1 | -1) => {
            const reached = (i: number) => {
              const { d, j } = scaled[i] as { d: number; j: number };
              return sign * d >= pct * 10 * j;
            };
            const rearmed = (i: number) => {
              const { d, j } = scaled[i] as { d: number; j: number };
              return sign * d < pct * (10 - tenths) * j;
            };
            return dToU(
              scaled.map((_, i) => i),
              (i) => (reached(i) ? 'U' : 'D'),
              (i) => (reached(i) ? 'U' : rearmed(i) ? 'D' : 'M'),
            );
          };
          const up = dir === 'down' ? 0 : count(1);
          const down = dir === 'up' ? 0 : count(-1);
          expect(fired.length).toBe(up + down);
          for (const f of fired) expect(Math.abs(f.value as number)).toBeGreaterThanOrEqual(pct);
        },
      ),
      {
        ...RUNS,
        // 25 -> 32.25 is +29 % exactly, 28.999999999999996 % in floats; 25 -> 17.75 is -29 %.
        examples: [
          [
            [
              { dt: 1, x: 25 },
              { dt: 1, x: 32.25 },
            ],
            29,
            0,
            'up',
          ],
          [
            [
              { dt: 1, x: 25 },
              { dt: 1, x: 17.75 },
              { dt: 1, x: 25 },
              { dt: 1, x: 32.25 },
            ],
            29,
            0.1,
            'either',
          ],
        ],
      },
    );
  });
});

describe('indicator properties', () => {
  it('(8) candles delivered in one batch fire like candles delivered one by one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 80, max: 120 }), { minLength: 16, maxLength: 80 }),
        fc.integer({ min: 15, max: 80 }),
        fc.integer({ min: 20, max: 80 }),
        fc.constantFrom<'above' | 'below'>('above', 'below'),
        (closes, cut, lv, condition) => {
          const candles = hourlyCandles(closes);
          const n = closes.length;
          const m = Math.min(cut, n);
          const spec = rsiSpec({ level: lv, condition, params: { period: 5 } });
          const one = new AlertEvaluator([spec]);
          const step: AlertFiring[] = [];
          for (let k = m; k <= n; k++)
            step.push(...one.candleClosed('BTC/USDT', '1h', sliceColumns(candles, 0, k), { live: true }));
          const batch = new AlertEvaluator([spec]);
          const got = [
            ...batch.candleClosed('BTC/USDT', '1h', sliceColumns(candles, 0, m), { live: true }),
            ...batch.candleClosed('BTC/USDT', '1h', candles, { live: true }),
          ];
          expect(got.map((f) => [f.time, f.value])).toEqual(step.map((f) => [f.time, f.value]));
          expect(batch.toJSON()).toEqual(one.toJSON());
        },
      ),
      { numRuns: 200 },
    );
  });
});
