import os from 'node:os';
import { Precise } from 'ccxt';
import { Decimal } from '../workers/money/decimal.js';
import type { MarketRules } from '../workers/money/market-rules.js';
import { defaultRiskLimits } from '../workers/trading/risk/limits.js';
import { checkOrder, riskRules, type RiskContext } from '../workers/trading/risk/risk-gate.js';
import { mulberry32 } from './random.js';

/**
 * Latency of one risk-gate check, timed call by call over pre-generated realistic orders (four spot
 * markets, limit, market and stop-limit orders, prices around the mark with some beyond the band, some
 * off-lot amounts, stale marks, short balances, halted accounts). The peer, in the same run, is ccxt's
 * `Precise` string arithmetic doing only three of the eleven checks (order value, position at the mark,
 * balance) and building no messages: a lower bound on what exact checks cost with ccxt's tools.
 */
export interface RiskGateBenchOptions {
  orders: number;
  seed: number;
  /** Calls of each implementation before timing starts (JIT warm-up); default 20,000. */
  warmup?: number;
}

interface MarketSpec {
  symbol: string;
  base: string;
  tick: string;
  step: string;
  minAmount: string;
  minNotional: string;
  mark: number;
  /** Typical largest order, in base. */
  amountMax: number;
}

const markets: MarketSpec[] = [
  {
    symbol: 'BTC/USDT',
    base: 'BTC',
    tick: '0.01',
    step: '0.00001',
    minAmount: '0.00001',
    minNotional: '5',
    mark: 64_000,
    amountMax: 0.2,
  },
  {
    symbol: 'ETH/USDT',
    base: 'ETH',
    tick: '0.01',
    step: '0.0001',
    minAmount: '0.0001',
    minNotional: '5',
    mark: 3_100,
    amountMax: 3,
  },
  {
    symbol: 'SOL/USDT',
    base: 'SOL',
    tick: '0.01',
    step: '0.001',
    minAmount: '0.001',
    minNotional: '5',
    mark: 145,
    amountMax: 60,
  },
  {
    symbol: 'DOGE/USDT',
    base: 'DOGE',
    tick: '0.00001',
    step: '1',
    minAmount: '1',
    minNotional: '1',
    mark: 0.12,
    amountMax: 60_000,
  },
];

/** The same order as plain strings, ccxt's native form, for the peer. */
interface PeerOrder {
  side: 'buy' | 'sell';
  reduceOnly: boolean;
  amount: string;
  refPrice: string;
  position: string;
  mark: string;
  freeBase: string;
  freeQuote: string;
  taker: string;
}

function rulesOf(m: MarketSpec): MarketRules {
  const decimals = (s: string) => (s.includes('.') ? s.length - s.indexOf('.') - 1 : 0);
  return {
    symbol: m.symbol,
    base: m.base,
    quote: 'USDT',
    tick: Decimal.from(m.tick),
    step: Decimal.from(m.step),
    minAmount: Decimal.from(m.minAmount),
    minNotional: Decimal.from(m.minNotional),
    maker: Decimal.from('0.001'),
    taker: Decimal.from('0.001'),
    priceDecimals: decimals(m.tick),
    amountDecimals: decimals(m.step),
  };
}

/**
 * Generates `count` orders from `rand`. The benchmark draws them a block at a time, so the timed calls
 * run with a heap the size of an app's, not one holding every order of the run.
 */
function makeOrders(rand: () => number, count: number): { lyra: RiskContext[]; peer: PeerOrder[] } {
  const allRules = markets.map(rulesOf);
  const now = Date.UTC(2025, 0, 15, 12);
  const lyra: RiskContext[] = [];
  const peer: PeerOrder[] = [];
  const onGrid = (value: number, step: Decimal) =>
    Decimal.from(Math.max(1, Math.round(value / step.toNumber()))).mul(step);
  for (let i = 0; i < count; i++) {
    const k = Math.floor(rand() * markets.length);
    const m = markets[k]!;
    const rules = allRules[k]!;
    const markDec = onGrid(m.mark * (1 + (rand() - 0.5) * 0.02), rules.tick);
    const mark = Number(markDec.toString());
    const r = rand();
    const type = r < 0.45 ? 'limit' : r < 0.85 ? 'market' : 'stop-limit';
    const side = rand() < 0.5 ? 'buy' : 'sell';
    let amount = onGrid(rand() * m.amountMax, rules.step);
    if (rand() < 0.03) amount = amount.add(rules.step.div(2, 12, 'down')); // off the lot
    // Limit prices mostly near the mark, some beyond the 5 % band.
    const price = type === 'market' ? null : onGrid(mark * (1 + (rand() - 0.5) * 0.12), rules.tick);
    const stopPrice =
      type === 'stop-limit' && price !== null
        ? onGrid(price.toNumber() * (side === 'sell' ? 1.002 : 0.998), rules.tick)
        : null;
    const refPrice = price ?? onGrid(mark * (1 + (side === 'buy' ? 0.0005 : -0.0005)), rules.tick);
    const position = onGrid(rand() * m.amountMax * 2, rules.step);
    const freeQuote = Decimal.from((rand() * 20_000).toFixed(2));
    const reduceOnly = side === 'sell' && rand() < 0.15;
    lyra.push({
      now,
      order: { symbol: m.symbol, side, type, amount, price, stopPrice, refPrice, reduceOnly },
      rules,
      mark: { price: mark, time: now - Math.floor(rand() ** 6 * 15_000) },
      positionAmount: position,
      otherExposure: Math.round(rand() * 30_000),
      openOrders: Math.floor(rand() * 55),
      dayPnl: Math.round((rand() - 0.8) * 1500 * 100) / 100,
      freeBase: position,
      freeQuote,
      halt: rand() < 0.01 ? { reason: 'the kill switch was pressed' } : null,
    });
    peer.push({
      side,
      reduceOnly,
      amount: amount.toString(),
      refPrice: refPrice.toString(),
      position: position.toString(),
      mark: String(mark),
      freeBase: position.toString(),
      freeQuote: freeQuote.toString(),
      taker: '0.001',
    });
  }
  return { lyra, peer };
}

const NOTIONAL = 1;
const POSITION = 2;
const BALANCE = 4;

/** The peer: the order value, position and balance checks in ccxt's Precise string arithmetic. */
function peerCheck(o: PeerOrder, maxOrder: string, maxPosition: string): number {
  let passed = 0;
  const notional = Precise.stringMul(o.amount, o.refPrice) as string;
  if (Precise.stringLe(notional, maxOrder)) passed |= NOTIONAL;
  const reducing = o.side === 'sell' && Precise.stringLe(o.amount, o.position);
  if (o.reduceOnly || reducing) passed |= POSITION;
  else {
    const after =
      o.side === 'buy' ? Precise.stringAdd(o.position, o.amount) : Precise.stringSub(o.position, o.amount);
    if (Precise.stringLe(Precise.stringMul(Precise.stringAbs(after), o.mark), maxPosition))
      passed |= POSITION;
  }
  if (o.side === 'sell') {
    if (Precise.stringLe(o.amount, o.freeBase)) passed |= BALANCE;
  } else {
    const need = Precise.stringAdd(notional, Precise.stringMul(notional, o.taker));
    if (Precise.stringLe(need, o.freeQuote)) passed |= BALANCE;
  }
  return passed;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

function summary(ns: Float64Array) {
  const sorted = Float64Array.from(ns).sort();
  let sum = 0;
  for (let i = 0; i < ns.length; i++) sum += ns[i] as number;
  const us = (x: number) => Number((x / 1000).toFixed(3));
  return {
    p50: us(percentile(sorted, 0.5)),
    p99: us(percentile(sorted, 0.99)),
    p999: us(percentile(sorted, 0.999)),
    max: us(sorted[sorted.length - 1] as number),
    mean: us(sum / ns.length),
  };
}

export function benchRiskGate(o: RiskGateBenchOptions) {
  const warmup = o.warmup ?? 20_000;
  const n = o.orders;
  const rand = mulberry32(o.seed);
  const limits = { ...defaultRiskLimits };
  const maxOrder = limits.maxOrderNotional;
  const maxPosition = limits.maxPositionNotional;

  // Warm-up on orders of their own, so the timed orders are all unseen.
  const warm = makeOrders(mulberry32(o.seed ^ 0x5eed), Math.min(warmup, 20_000));
  for (let i = 0; i < warmup; i++) {
    const k = i % warm.lyra.length;
    checkOrder(warm.lyra[k]!, limits);
    peerCheck(warm.peer[k]!, maxOrder, maxPosition);
  }

  // The cost of reading the clock twice, measured the same way, so the figures can be read net of it.
  const timer = new Float64Array(10_000);
  for (let i = 0; i < timer.length; i++) {
    const t0 = process.hrtime.bigint();
    timer[i] = Number(process.hrtime.bigint() - t0);
  }

  const lyraNs = new Float64Array(n);
  const peerNs = new Float64Array(n);
  const lyraBits = new Uint8Array(n);
  const peerBits = new Uint8Array(n);
  let refused = 0;
  // Blocks of fresh orders; within each, the two implementations take turns so drift in machine load
  // falls on both alike.
  const block = 10_000;
  for (let start = 0; start < n; start += block) {
    const end = Math.min(n, start + block);
    const { lyra, peer } = makeOrders(rand, end - start);
    for (let i = start; i < end; i++) {
      const ctx = lyra[i - start]!;
      const t0 = process.hrtime.bigint();
      const d = checkOrder(ctx, limits);
      lyraNs[i] = Number(process.hrtime.bigint() - t0);
      if (!d.ok) refused++;
      let bits = 0;
      for (const c of d.checks) {
        if (!c.passed) continue;
        if (c.rule === 'order-notional') bits |= NOTIONAL;
        else if (c.rule === 'position') bits |= POSITION;
        else if (c.rule === 'balance') bits |= BALANCE;
      }
      lyraBits[i] = bits;
    }
    for (let i = start; i < end; i++) {
      const p = peer[i - start]!;
      const t0 = process.hrtime.bigint();
      const bits = peerCheck(p, maxOrder, maxPosition);
      peerNs[i] = Number(process.hrtime.bigint() - t0);
      peerBits[i] = bits;
    }
  }

  // Both must reach the same verdicts on the checks they share, or the comparison measures different work.
  for (let i = 0; i < n; i++) {
    if (lyraBits[i] !== peerBits[i])
      throw new Error(
        `Lyra and the Precise baseline disagree on order ${i} (${lyraBits[i]} vs ${peerBits[i]}): the benchmark is invalid`,
      );
  }

  const a = summary(lyraNs);
  const b = summary(peerNs);
  const goalUs = 100;
  return {
    name: 'risk-gate-check-latency',
    unit: 'µs per order',
    params: {
      orders: n,
      seed: o.seed,
      warmup,
      rules: riskRules.length,
      refusedShare: Number((refused / n).toFixed(3)),
      timerOverheadUs: summary(timer).p50,
      // Tails on a shared machine are mostly other processes taking the core: read them with the load.
      loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
      cores: os.cpus().length,
    },
    lyra: a,
    peer: {
      name: 'ccxt Precise string arithmetic: order value, position and balance checks only, no messages',
      ...b,
    },
    /** Peer p99 ÷ Lyra p99: above 1, Lyra's full gate is faster at the tail than the peer's three bare checks. */
    ratio: Number((b.p99 / a.p99).toFixed(2)),
    goal: { p99BelowUs: goalUs },
    goalMet: a.p99 < goalUs,
    met: a.p99 < goalUs,
  };
}
