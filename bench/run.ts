import os from 'node:os';
import { benchBackupThroughput } from './backup-throughput.js';
import { benchBacktest } from './backtest.js';
import { benchBookUpdates } from './book-updates.js';
import { benchIndicators } from './indicators.js';
import { benchPortfolioOpen } from './portfolio-open.js';
import { benchPaperMatching } from './paper-matching.js';
import { benchRiskGate } from './risk-gate.js';
import { benchRiskStats } from './risk-stats.js';
import { benchSweepScaling } from './sweep-scaling.js';

// Prints one JSON document: every figure is a ratio against a peer measured in the same run.
const quick = process.argv.includes('--quick');
const book = {
  updates: quick ? 100_000 : 1_000_000,
  levels: 1000,
  deleteShare: 0.05,
  rounds: quick ? 3 : 7,
  seed: 7,
};
const results = [
  benchBookUpdates({ ...book, readEvery: 0 }),
  // The same stream with a reader, as the UI and the paper matcher read the top of the book.
  benchBookUpdates({ ...book, readEvery: 100 }),
  // Every order and child order passes the risk gate: goal p99 under 0.1 ms.
  benchRiskGate({ orders: quick ? 20_000 : 200_000, seed: 7 }),
  // Historical VaR/CVaR of 50 assets x 1,000 days, and a 50x50 correlation plus an EWMA update: goals under 5 ms.
  benchRiskStats({ assets: 50, periods: 1000, rounds: quick ? 3 : 7, seed: 7 }),
  // Paper fills walking a 1,000-level book; the peer restores its book after each order (untimed but slow).
  benchPaperMatching({ orders: quick ? 300 : 3_000, levels: 1000, rounds: quick ? 1 : 3, seed: 7 }),
  // The portfolio screen from cold IndexedDB with 100 k fills (goal under 1 s), against reading the fills alone.
  await benchPortfolioOpen({ fills: quick ? 10_000 : 100_000, rounds: 3, seed: 7 }),
  // Full backup and restore of 1 M candles and 100 k fills, against dexie-export-import's export and import.
  await benchBackupThroughput({
    candles: quick ? 100_000 : 1_000_000,
    fills: quick ? 10_000 : 100_000,
    rounds: 3,
    seed: 7,
  }),
  // SMA, EMA, RSI, MACD and Bollinger over 1 M closes against @ixjb94/indicators and technicalindicators: goals >= 1x the fastest peer, >= 10x technicalindicators.
  await benchIndicators({ closes: quick ? 100_000 : 1_000_000, rounds: quick ? 3 : 5, seed: 7 }),
  // sma-cross 10/50 over 2 M random-walk bars, prepare included (goal over 20 M bars/s), against a hand-written loop.
  benchBacktest({ bars: quick ? 200_000 : 2_000_000, rounds: quick ? 3 : 15, seed: 7 }),
  // The same sweep on 1, 2 (and every core's) worker threads, against running it in-process one backtest after another.
  await benchSweepScaling({ bars: 200_000, combos: quick ? 40 : 200, seed: 7 }),
];
const report = {
  when: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  results,
};
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
