import os from 'node:os';
import { runBacktest } from '../workers/research/backtest/engine.js';
import type { BacktestConfig, Bars, Params, Strategy } from '../workers/research/backtest/types.js';
import { compileRuleSet } from '../workers/research/strategies/rules.js';
import { smaCross } from '../workers/research/strategies/sma-cross.js';
import type { RuleSet } from '../workers/research/strategies/spec.js';
import { mulberry32 } from './random.js';

/**
 * The backtest engine's speed: sma-cross 10/50 over a random walk, bars already in memory, the strategy's
 * `prepare` included (goal: over 20 M bars/s in one thread). The peer is the floor any engine could reach:
 * a hand-written loop with the two running sums and the account inlined, computing the same equity
 * without signals, fills, trades, drawdown or metrics. The same crossover as a rule set (compiled from
 * data, as the rule builder sends it) is timed too.
 *
 * Every round runs over the same bars, as a sweep does: the engine remembers bars it has validated, and
 * sma-cross reuses the scratch columns the previous run gave back, so the rounds measure the steady
 * state of a worker, not its first run.
 */
export interface BacktestBenchOptions {
  bars: number;
  rounds: number;
  seed: number;
}

const FAST = 10;
const SLOW = 50;
const FEE = 0.001;

/** Close-only bars of a random walk in log price (steps up to 0.3 %, no drift), hourly. */
function randomWalk(n: number, seed: number): Bars {
  const rand = mulberry32(seed);
  const close = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    p *= Math.exp((rand() - 0.5) * 0.006);
    close[i] = p;
  }
  return {
    time: Float64Array.from({ length: n }, (_, i) => 1_600_000_000_000 + i * 3_600_000),
    open: close.slice(),
    high: close.slice(),
    low: close.slice(),
    close,
    volume: new Float64Array(n),
    closeOnly: true,
  };
}

/** The floor: the crossover and the account in one pass, equity only. */
function handWrittenEquity(close: Float64Array, out: Float64Array): number {
  const n = close.length;
  let fastSum = 0;
  let slowSum = 0;
  let cash = 1;
  let units = 0;
  for (let i = 0; i < n; i++) {
    const c = close[i] as number;
    fastSum += c;
    slowSum += c;
    if (i >= FAST) fastSum -= close[i - FAST] as number;
    if (i >= SLOW) slowSum -= close[i - SLOW] as number;
    const long = i >= SLOW - 1 && fastSum / FAST > slowSum / SLOW;
    if (long && units === 0) {
      units = cash / (c * (1 + FEE));
      cash = 0;
    } else if (!long && units > 0) {
      cash += units * c * (1 - FEE);
      units = 0;
    }
    out[i] = cash + units * c;
  }
  return out[n - 1] as number;
}

const smaRules: RuleSet = {
  name: 'SMA 10/50 as rules',
  entry: {
    join: 'and',
    items: [
      {
        left: { kind: 'indicator', name: 'sma', params: { period: FAST } },
        op: '>',
        right: { kind: 'indicator', name: 'sma', params: { period: SLOW } },
      },
    ],
  },
  exit: {
    join: 'and',
    items: [
      {
        left: { kind: 'indicator', name: 'sma', params: { period: FAST } },
        op: '<=',
        right: { kind: 'indicator', name: 'sma', params: { period: SLOW } },
      },
    ],
  },
  exits: { stopLoss: null, takeProfit: null, trailing: null },
  size: { kind: 'equity-fraction', fraction: 1 },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** CPU milliseconds of this process (all its threads): unlike wall time, not inflated by other processes. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Wall and CPU time of `rounds` runs of `task`, after warming it up (JIT). */
function timeRounds(task: () => void, rounds: number): { wall: number[]; cpu: number[] } {
  for (let i = 0; i < 3; i++) task();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    task();
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  return { wall, cpu };
}

let sink = 0;

function compareWithPeer(
  bars: Bars,
  strategy: Strategy,
  params: Params,
  config: BacktestConfig,
  peerEquity: Float64Array,
): { worst: number; finalEquity: number; trades: number } {
  const ours = runBacktest(bars, strategy, params, config);
  handWrittenEquity(bars.close, peerEquity);
  let worst = 0;
  for (let i = 0; i < bars.close.length; i++)
    worst = Math.max(worst, Math.abs((ours.equity[i] as number) / (peerEquity[i] as number) - 1));
  return { worst, finalEquity: ours.metrics.final_equity, trades: ours.metrics.trades };
}

export function benchBacktest(o: BacktestBenchOptions): Record<string, unknown> {
  const bars = randomWalk(o.bars, o.seed);
  const config: BacktestConfig = {
    capital: 1,
    fee: FEE,
    slippage: { model: 'none' },
    execution: 'close',
    periodsPerYear: null,
  };
  const params = { fast: FAST, slow: SLOW };
  const rules = compileRuleSet(smaRules);
  const peerEquity = new Float64Array(o.bars);

  const engine = () => {
    sink += runBacktest(bars, smaCross, params, config).metrics.final_equity;
  };
  // As a sweep's worker runs each combination: the equity curve written into one reused array, read
  // (by the cell's return statistics) before the next run.
  const equityInto = new Float64Array(o.bars);
  const sweepCell = () => {
    const r = runBacktest(bars, smaCross, params, config, { equityInto });
    sink += r.metrics.final_equity + (r.equity[o.bars - 1] as number);
  };
  const compiled = () => {
    sink += runBacktest(bars, rules, {}, config).metrics.final_equity;
  };
  const peer = () => {
    sink += handWrittenEquity(bars.close, peerEquity);
  };

  // The comparison only means something if both compute the same run. Only numbers are kept from the
  // checks, so the timed runs do not carry a previous run's results through every garbage collection.
  const { worst, finalEquity, trades } = compareWithPeer(bars, smaCross, params, config, peerEquity);
  if (!(worst < 1e-9))
    throw new Error(`engine and hand-written equity differ by ${worst} (relative): the benchmark is invalid`);
  // One task after the other rather than alternating: a sweep runs one strategy many times, and alternating
  // two strategies would make the engine's call to onBar polymorphic, which no real run sees.
  // The rule set runs last for the same reason: until then the engine has seen sma-cross only.
  const times = {
    engine: timeRounds(engine, o.rounds),
    sweepCell: timeRounds(sweepCell, o.rounds),
    peer: timeRounds(peer, o.rounds),
  };
  if (runBacktest(bars, rules, {}, config).metrics.final_equity !== finalEquity)
    throw new Error(
      'the rule-set crossover ended with a different equity than sma-cross: the benchmark is invalid',
    );

  const rulesTimes = timeRounds(compiled, o.rounds);
  if (sink !== sink) throw new Error('unreachable: keeps the results from being optimised away');

  const goal = 20e6;
  const perSecond = (ms: number) => Math.round(o.bars / (ms / 1000));
  const figures = (t: { wall: number[]; cpu: number[] }) => {
    const wall = median(t.wall);
    const cpu = median(t.cpu);
    const best = Math.min(...t.wall);
    return {
      ms: Number(wall.toFixed(2)),
      barsPerSecond: perSecond(wall),
      bestMs: Number(best.toFixed(2)),
      bestBarsPerSecond: perSecond(best),
      cpuMs: Number(cpu.toFixed(2)),
      cpuBarsPerSecond: perSecond(cpu),
    };
  };
  const lyra = figures(times.engine);
  const peerFigures = figures(times.peer);
  return {
    name: 'backtest',
    unit: 'bars per second (median over rounds; best*: the fastest round), prepare included; cpu*: from the process CPU time',
    params: {
      ...o,
      strategy: `sma-cross ${FAST}/${SLOW}, fee ${FEE}, execution at the close`,
      trades,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
    },
    /** One run as the screen asks for it: a new equity array, the rest of the result built when read. */
    lyra,
    /** One run as a sweep's worker makes it: the equity written into the array the previous run used. */
    sweepCell: figures(times.sweepCell),
    rules: figures(rulesTimes),
    peer: {
      name: 'hand-written single loop (running sums and the account inlined, equity only)',
      ...peerFigures,
    },
    /** Peer ms / Lyra ms: the share of the floor's speed the engine keeps (1 = as fast as the floor). */
    ratio: Number((peerFigures.ms / lyra.ms).toFixed(3)),
    goal: { aboveBarsPerSecond: goal },
    met: lyra.barsPerSecond > goal,
  };
}
