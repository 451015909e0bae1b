import os from 'node:os';
import { mean as ssMean, quantile as ssQuantile, sampleCorrelation } from 'simple-statistics';
import { EwmaCovariance, historicalVarCvar, pearsonMatrix } from '../workers/research/stats/index.js';
import { mulberry32 } from './random.js';

/**
 * The Risk screen's hot statistics on 50 assets x 1,000 days of simulated returns: (1) historical VaR
 * 95/99 and CVaR 95/99 of every asset, (2) the 50 x 50 Pearson matrix plus one EWMA update and its
 * correlation. The peer, in the same run, is simple-statistics on the same data as plain arrays (its
 * native input): `quantile` and `mean` of the tail for (1), `sampleCorrelation` for each pair for (2).
 * simple-statistics has no EWMA, so the update is timed on its own and not part of the ratio.
 */
export interface RiskStatsBenchOptions {
  assets: number;
  periods: number;
  rounds: number;
  seed: number;
}

/** Fat-tailed returns from one market factor plus noise, so correlations are realistic (0.2 to 0.8). */
function makeReturns(assets: number, periods: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const m = new Float64Array(assets * periods);
  const beta = Float64Array.from({ length: assets }, () => 0.5 + rand());
  for (let t = 0; t < periods; t++) {
    // A volatility regime that changes now and then gives the tails something to measure.
    const vol = rand() < 0.05 ? 0.03 : 0.01;
    const f = normal() * vol;
    for (let a = 0; a < assets; a++) m[a * periods + t] = (beta[a] as number) * f + normal() * 0.01;
  }
  return m;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Mean ms of one call of `task`, over enough repetitions to read well above the timer's resolution. */
function timeMs(task: () => void, reps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) task();
  return (performance.now() - t0) / reps;
}

let sink = 0;

export function benchRiskStats(o: RiskStatsBenchOptions): Record<string, unknown> {
  const { assets, periods } = o;
  const m = makeReturns(assets, periods, o.seed);
  const series = Array.from({ length: assets }, (_, a) => m.subarray(a * periods, (a + 1) * periods));
  const plain = series.map((s) => Array.from(s));

  // One quantile selection per confidence, as the peer does: VaR, then the mean of the tail beyond it.
  const lyraTail = () => {
    for (const r of series) {
      const t95 = historicalVarCvar(r, 0.95);
      const t99 = historicalVarCvar(r, 0.99);
      sink += t95.var + t99.var + t95.cvar + t99.cvar;
    }
  };
  const peerTail = () => {
    for (const r of plain) {
      const q95 = ssQuantile(r, 0.05);
      const q99 = ssQuantile(r, 0.01);
      sink += -q95 - q99 - ssMean(r.filter((x) => x <= q95)) - ssMean(r.filter((x) => x <= q99));
    }
  };

  const ewma = new EwmaCovariance(assets, 0.94);
  ewma.seed(m.subarray(0, assets * 17), assets, 17);
  const rows = Array.from({ length: periods }, (_, t) => Float64Array.from(series, (s) => s[t] as number));
  const corrOut = new Float64Array(assets * assets);
  let next = 0;
  const ewmaStep = () => {
    ewma.update(rows[next++ % periods] as Float64Array);
    ewma.correlation(corrOut);
    sink += corrOut[1] as number;
  };
  const lyraCorr = () => {
    sink += pearsonMatrix(m, assets, periods)[1] as number;
    ewmaStep();
  };
  const peerMatrix = new Float64Array(assets * assets);
  const peerCorr = () => {
    for (let i = 0; i < assets; i++) {
      peerMatrix[i * assets + i] = 1;
      for (let j = i + 1; j < assets; j++) {
        const c = sampleCorrelation(plain[i] as number[], plain[j] as number[]);
        peerMatrix[i * assets + j] = c;
        peerMatrix[j * assets + i] = c;
      }
    }
    sink += peerMatrix[1] as number;
  };

  // Both must compute the same correlations, or the comparison measures different work.
  const ours = pearsonMatrix(m, assets, periods);
  peerCorr();
  let worst = 0;
  for (let k = 0; k < ours.length; k++)
    worst = Math.max(worst, Math.abs((ours[k] as number) - (peerMatrix[k] as number)));
  if (!(worst < 1e-12))
    throw new Error(`Pearson matrices differ by ${worst} from simple-statistics: the benchmark is invalid`);

  // Warm-up (JIT), then rounds that alternate the two so drift in machine load falls on both alike.
  for (let i = 0; i < 20; i++) {
    lyraTail();
    peerTail();
    lyraCorr();
  }
  peerCorr();
  const tail = { lyra: [] as number[], peer: [] as number[] };
  const corr = { lyra: [] as number[], peer: [] as number[], ewma: [] as number[] };
  for (let r = 0; r < o.rounds; r++) {
    tail.lyra.push(timeMs(lyraTail, 20));
    tail.peer.push(timeMs(peerTail, 20));
    corr.lyra.push(timeMs(lyraCorr, 10));
    corr.peer.push(timeMs(peerCorr, 3));
    corr.ewma.push(timeMs(ewmaStep, 1000));
  }
  if (sink !== sink) throw new Error('unreachable: keeps the results from being optimised away');

  const goalMs = 5;
  const ms = (x: number) => Number(x.toFixed(4));
  const tailMs = median(tail.lyra);
  const tailPeerMs = median(tail.peer);
  const corrMs = median(corr.lyra);
  const corrPeerMs = median(corr.peer);
  return {
    name: 'risk-statistics',
    unit: 'ms per task (median over rounds)',
    params: {
      ...o,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
    },
    tailRisk: {
      task: `historical VaR 95/99 (type 7) and CVaR 95/99 of ${assets} assets x ${periods} returns`,
      lyra: ms(tailMs),
      peer: { name: 'simple-statistics quantile + mean of the tail', ms: ms(tailPeerMs) },
      /** Peer ms / Lyra ms: above 1, Lyra is faster. */
      ratio: Number((tailPeerMs / tailMs).toFixed(2)),
      goal: { belowMs: goalMs },
      met: tailMs < goalMs,
    },
    correlation: {
      task: `${assets}x${assets} Pearson over ${periods} returns + one EWMA update and correlation`,
      lyra: ms(corrMs),
      ewmaUpdateAndCorrelationMs: ms(median(corr.ewma)),
      peer: { name: 'simple-statistics sampleCorrelation for each pair (Pearson only)', ms: ms(corrPeerMs) },
      ratio: Number((corrPeerMs / corrMs).toFixed(2)),
      goal: { belowMs: goalMs },
      met: corrMs < goalMs,
    },
    met: tailMs < goalMs && corrMs < goalMs,
  };
}
