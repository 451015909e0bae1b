import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { IndicatorsSync } from '@ixjb94/indicators';
import { BollingerBands, EMA, MACD, RSI, SMA } from 'technicalindicators';
import { bollinger, ema, macd, rsi, sma } from '../workers/research/indicators/index.js';
import { mulberry32 } from './random.js';

/**
 * The five indicators a chart or a sweep computes most, over one long series of closes: SMA(20),
 * EMA(20), RSI(14), MACD(12, 26, 9) and Bollinger(20, 2). Lyra (Float64Array in and out) against two
 * peers in the same process, each given its native input (plain number arrays): @ixjb94/indicators'
 * IndicatorsSync, the fastest JavaScript library we know of, and technicalindicators, the most used.
 * Every library computes every output of an indicator (MACD: line, signal and histogram; Bollinger:
 * lower, middle, upper, and %B where the library has it).
 */
export interface IndicatorsBenchOptions {
  closes: number;
  rounds: number;
  seed: number;
}

const libraries = ['lyra', 'ixjb94', 'technicalindicators'] as const;
type Library = (typeof libraries)[number];
const peers = ['ixjb94', 'technicalindicators'] as const;
type Peer = (typeof peers)[number];
const indicatorNames = ['sma', 'ema', 'rsi', 'macd', 'bbands'] as const;
type IndicatorName = (typeof indicatorNames)[number];
const tasks: Record<IndicatorName, string> = {
  sma: 'SMA(20)',
  ema: 'EMA(20)',
  rsi: 'RSI(14)',
  macd: 'MACD(12, 26, 9)',
  bbands: 'Bollinger(20, 2)',
};

/** A geometric random walk from 1,000 with 0.1 % moves: minute bars of a calm market. */
export function randomWalkCloses(n: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const out = new Float64Array(n);
  let price = 1000;
  for (let i = 0; i < n; i++) {
    const normal = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    price *= Math.exp(0.001 * normal);
    out[i] = price;
  }
  return out;
}

// technicalindicators rounds some outputs (RSI to 2 decimals) unless given a format: an identity format
// gives full precision, which is both fairer to compare and less work for it.
const exact = (x: number) => x;

type Series = ArrayLike<number>;
type Runner = (lyra: Float64Array, plain: number[]) => Record<string, Series>;

function runners(): Record<Library, Record<IndicatorName, Runner>> {
  const ix = new IndicatorsSync();
  return {
    lyra: {
      sma: (x) => ({ value: sma(x, 20) }),
      ema: (x) => ({ value: ema(x, 20) }),
      rsi: (x) => ({ value: rsi(x, 14) }),
      macd: (x) => {
        const m = macd(x, 12, 26, 9);
        return { macd: m.macd, signal: m.signal, hist: m.hist };
      },
      bbands: (x) => {
        const b = bollinger(x, 20, 2);
        return { lower: b.lower, middle: b.middle, upper: b.upper, pctB: b.pctB };
      },
    },
    ixjb94: {
      sma: (_, v) => ({ value: ix.sma(v, 20) }),
      ema: (_, v) => ({ value: ix.ema(v, 20) }),
      rsi: (_, v) => ({ value: ix.rsi(v, 14) }),
      macd: (_, v) => {
        const [line, signal, hist] = ix.macd(v, 12, 26, 9);
        return { macd: line as number[], signal: signal as number[], hist: hist as number[] };
      },
      bbands: (_, v) => {
        const [lower, middle, upper] = ix.bbands(v, 20, 2);
        return { lower: lower as number[], middle: middle as number[], upper: upper as number[] };
      },
    },
    technicalindicators: {
      sma: (_, v) => ({ value: SMA.calculate({ period: 20, values: v, format: exact }) }),
      ema: (_, v) => ({ value: EMA.calculate({ period: 20, values: v, format: exact }) }),
      rsi: (_, v) => ({ value: RSI.calculate({ period: 14, values: v, format: exact }) }),
      macd: (_, v) => {
        const out = MACD.calculate({
          values: v,
          fastPeriod: 12,
          slowPeriod: 26,
          signalPeriod: 9,
          SimpleMAOscillator: false,
          SimpleMASignal: false,
          format: exact,
        });
        // Its rows start where the MACD line does; the signal is undefined for the first ones.
        const pick = (key: 'MACD' | 'signal' | 'histogram') => out.map((r) => r[key] ?? NaN);
        return { macd: pick('MACD'), signal: pick('signal'), hist: pick('histogram') };
      },
      bbands: (_, v) => {
        const out = BollingerBands.calculate({ period: 20, stdDev: 2, values: v, format: exact });
        return {
          lower: out.map((r) => r.lower),
          middle: out.map((r) => r.middle),
          upper: out.map((r) => r.upper),
          pctB: out.map((r) => r.pb),
        };
      },
    },
  };
}

interface Agreement {
  /** Per output: values compared, and the largest difference from Lyra relative to the output's size. */
  outputs: Record<string, { compared: number; maxRelDiff: number; maxRelDiffSecondHalf: number }>;
  verdict: 'agrees' | 'agrees within its rounding' | 'agrees after warm-up' | 'disagrees';
  note?: string;
}

const relTol = 1e-9;
const warmupRuns = 20;
const warmupCloses = 10_000;
const settleMs = 50;

// Known convention differences: a note for the report and, where the peer rounds, the tolerance it needs.
const conventions: Partial<Record<`${Library}.${IndicatorName}`, { note: string; absTol?: number }>> = {
  'ixjb94.ema': {
    note: 'seeds the EMA with the first close instead of the SMA of the first 20 (TTR): early values differ, the seed decays away',
  },
  'ixjb94.macd': {
    note: 'seeds both EMAs with the first close and the signal with the first MACD value instead of SMAs: early values differ, then converge',
  },
  'technicalindicators.rsi': {
    note: 'rounds every RSI to 2 decimals (hard-coded; its format option does not reach it): compared to within 0.005',
    absTol: 0.005 + 1e-9,
  },
};

/**
 * Compares a peer's outputs with Lyra's on a prefix of the data (untimed). Peers return shorter arrays
 * that end at the last bar, so they are aligned at the end; positions where Lyra is not defined yet are
 * skipped. Differences are relative to the largest absolute value of Lyra's output, since some outputs
 * (the MACD histogram) cross zero.
 */
function agreement(
  lib: Library,
  name: IndicatorName,
  ours: Record<string, Series>,
  theirs: Record<string, Series>,
): Agreement {
  const convention = conventions[`${lib}.${name}`];
  const outputs: Agreement['outputs'] = {};
  let all = true;
  let secondHalf = true;
  for (const [key, peerSeries] of Object.entries(theirs)) {
    const mine = ours[key] as Series;
    const n = mine.length;
    const offset = n - peerSeries.length;
    let scale = 0;
    for (let j = Math.max(0, offset); j < n; j++) {
      const a = mine[j] as number;
      if (!Number.isNaN(a)) scale = Math.max(scale, Math.abs(a));
    }
    let compared = 0;
    let worst = 0;
    let worstLate = 0;
    for (let j = 0; j < peerSeries.length; j++) {
      const a = mine[j + offset] as number;
      const b = peerSeries[j] as number;
      if (Number.isNaN(a)) continue;
      compared++;
      const d = Number.isNaN(b) ? Infinity : Math.abs(a - b) / scale;
      worst = Math.max(worst, d);
      if (j + offset >= n / 2) worstLate = Math.max(worstLate, d);
    }
    outputs[key] = { compared, maxRelDiff: worst, maxRelDiffSecondHalf: worstLate };
    const tol = convention?.absTol === undefined ? relTol : convention.absTol / scale;
    if (!(worst <= tol) || compared === 0) all = false;
    if (!(worstLate <= tol) || compared === 0) secondHalf = false;
  }
  const verdict = all
    ? convention?.absTol
      ? 'agrees within its rounding'
      : 'agrees'
    : secondHalf
      ? 'agrees after warm-up'
      : 'disagrees';
  return verdict === 'agrees' || !convention
    ? { outputs, verdict }
    : { outputs, verdict, note: convention.note };
}

function byLibrary<T>(f: (lib: Library) => T): Record<Library, T> {
  return { lyra: f('lyra'), ixjb94: f('ixjb94'), technicalindicators: f('technicalindicators') };
}

function byIndicator<T>(f: (name: IndicatorName) => T): Record<IndicatorName, T> {
  return { sma: f('sma'), ema: f('ema'), rsi: f('rsi'), macd: f('macd'), bbands: f('bbands') };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

let sink = 0;

// technicalindicators leaves millions of small objects behind; collecting them before each timed call
// keeps that garbage from being charged to whichever library runs next. Each call's own collections
// stay in its time. The flag is set at run time so `npm run bench` needs no extra node option.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

async function timeOnce(run: Runner, lyra: Float64Array, plain: number[]): Promise<number> {
  collectGarbage();
  // The collector finishes sweeping and returning memory on background threads: let it, so that work
  // does not compete with the timed call on a small machine.
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const t0 = performance.now();
  const out = run(lyra, plain);
  const ms = performance.now() - t0;
  for (const s of Object.values(out)) sink += s.length;
  return ms;
}

export async function benchIndicators(o: IndicatorsBenchOptions): Promise<Record<string, unknown>> {
  const closes = randomWalkCloses(o.closes, o.seed);
  const plain = Array.from(closes);
  const run = runners();

  // Sanity first: the libraries should compute the same thing, or the timing compares different work.
  const checkLength = Math.min(o.closes, 2000);
  const checkCloses = closes.slice(0, checkLength);
  const checkPlain = plain.slice(0, checkLength);
  const agreements = byIndicator((name) => {
    const ours = run.lyra[name](checkCloses, checkPlain);
    const check = (lib: Peer) => agreement(lib, name, ours, run[lib][name](checkCloses, checkPlain));
    return { ixjb94: check('ixjb94'), technicalindicators: check('technicalindicators') };
  });

  // Warm up: one full-size run each, which optimises the loops on the stack, and then short runs until
  // V8 has optimised the whole functions too (a single warm-up left the first timed rounds of the typed
  // array loops 3-4x slower than the rest). Then rounds in which every library runs every indicator once,
  // interleaved so drift in machine load falls on all alike.
  const shortCloses = closes.slice(0, warmupCloses);
  const shortPlain = plain.slice(0, warmupCloses);
  for (const name of indicatorNames)
    for (const lib of libraries) {
      await timeOnce(run[lib][name], closes, plain);
      for (let k = 0; k < warmupRuns; k++) run[lib][name](shortCloses, shortPlain);
    }
  const samples = byLibrary(() => byIndicator((): number[] => []));
  for (let r = 0; r < o.rounds; r++)
    for (const name of indicatorNames)
      for (const lib of libraries) samples[lib][name].push(await timeOnce(run[lib][name], closes, plain));
  if (sink !== sink) throw new Error('unreachable: keeps the results from being optimised away');

  const ms = (x: number) => Number(x.toFixed(3));
  const ratio = (x: number) => Number(x.toFixed(2));
  const medians = byLibrary((lib) => byIndicator((name) => median(samples[lib][name])));
  const totals = byLibrary((lib) => indicatorNames.reduce((s, n) => s + medians[lib][n], 0));

  const perIndicator = byIndicator((name) => {
    const fastestPeer = peers.reduce((a, b) => (medians[b][name] < medians[a][name] ? b : a));
    return {
      task: tasks[name],
      ms: byLibrary((lib) => ms(medians[lib][name])),
      fastestPeer,
      /** Fastest peer ms / Lyra ms: 1 or more, Lyra is at least as fast. */
      ratioVsFastestPeer: ratio(medians[fastestPeer][name] / medians.lyra[name]),
      technicalindicatorsOverLyra: ratio(medians.technicalindicators[name] / medians.lyra[name]),
    };
  });

  const fastestPeerTotal = peers.reduce((a, b) => (totals[b] < totals[a] ? b : a));
  const vsFastest = totals[fastestPeerTotal] / totals.lyra;
  const vsTechnical = totals.technicalindicators / totals.lyra;
  const everyIndicatorAtLeastAsFast = indicatorNames.every((n) => perIndicator[n].ratioVsFastestPeer >= 1);
  return {
    name: 'indicators',
    unit: `ms per indicator over ${o.closes} closes (median of ${o.rounds} rounds, after a full-size warm-up run and ${warmupRuns} runs on ${warmupCloses} closes)`,
    params: {
      ...o,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
    },
    peers: {
      ixjb94: '@ixjb94/indicators IndicatorsSync (number[] in, number[] out)',
      technicalindicators: 'technicalindicators X.calculate (number[] in, arrays of numbers or objects out)',
    },
    indicators: perIndicator,
    totals: byLibrary((lib) => ms(totals[lib])),
    ratios: {
      vsFastestPeer: {
        peer: fastestPeerTotal,
        /** Fastest peer total ms / Lyra total ms. */
        ratio: ratio(vsFastest),
        everyIndicatorAtLeastAsFast,
        goal: { atLeast: 1 },
        met: vsFastest >= 1 && everyIndicatorAtLeastAsFast,
      },
      technicalindicatorsOverLyra: {
        ratio: ratio(vsTechnical),
        goal: { atLeast: 10 },
        met: vsTechnical >= 10,
      },
    },
    agreement: {
      closesCompared: checkLength,
      relativeTolerance: relTol,
      byIndicator: agreements,
    },
    disagreements: indicatorNames.flatMap((n) =>
      peers.filter((lib) => agreements[n][lib].verdict === 'disagrees').map((lib) => `${lib} ${tasks[n]}`),
    ),
    met: vsFastest >= 1 && everyIndicatorAtLeastAsFast && vsTechnical >= 10,
  };
}
