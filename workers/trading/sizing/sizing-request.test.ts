import { describe, expect, it } from 'vitest';
import type { CandleColumns } from '../../market/candle-series.js';
import type { MarketInfo } from '../../market/types.js';
import { Decimal } from '../../money/decimal.js';
import { rulesOf } from '../../money/market-rules.js';
import type { ClosedTrade, PositionRecord } from '../types.js';
import { sizeOrder, type SizingInputs } from './sizing-request.js';
import { btcUsdt } from '../../market/test-markets.js';

const market: MarketInfo = btcUsdt;

/** Candles that alternate around 100 with a fixed range: ATR and volatility are known. */
function candles(n: number, range: number): CandleColumns {
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    time[i] = i * 3_600_000;
    close[i] = i % 2 ? 101 : 99;
    open[i] = 100;
    high[i] = 100 + range / 2;
    low[i] = 100 - range / 2;
  }
  return { time, open, high, low, close, volume };
}

function inputs(over: Partial<SizingInputs> = {}): SizingInputs {
  return {
    rules: rulesOf(market),
    equity: Decimal.from('10000'),
    closedTrades: [],
    positions: [],
    mark: () => 100,
    candles: async () => candles(50, 4),
    ...over,
  };
}

describe('sizing requests from the ticket', () => {
  it('fixed fractional: risking 1 % of 10,000 with a stop 2 away buys 50', async () => {
    const r = await sizeOrder(
      { method: 'fixed-fractional', symbol: 'BTC/USDT', riskPct: '1', entry: '100', stop: '98' },
      inputs(),
    );
    expect(r.error).toBeNull();
    expect(r.amount).toBe('50');
  });

  it('says what to enter when a field is not a number', async () => {
    const r = await sizeOrder(
      { method: 'fixed-fractional', symbol: 'BTC/USDT', riskPct: 'lots', entry: '100', stop: '98' },
      inputs(),
    );
    expect(r.amount).toBeNull();
    expect(r.error).toMatch(/risk %/);
  });

  it('Kelly from fewer than ten closed trades asks for more history or entered figures', async () => {
    const trades: ClosedTrade[] = [
      { id: 'a', accountId: 'p', symbol: 'BTC/USDT', amount: '1', entry: '1', exit: '2', pnl: '1', time: 1 },
    ];
    const r = await sizeOrder(
      { method: 'kelly', symbol: 'BTC/USDT', entry: '100', fractionCap: '25' },
      inputs({ closedTrades: trades }),
    );
    expect(r.amount).toBeNull();
    expect(r.error).toMatch(/enter a win rate and payoff/);
  });

  it('Kelly with an entered 60 % win rate and payoff 1 commits 20 % of equity', async () => {
    const r = await sizeOrder(
      { method: 'kelly', symbol: 'BTC/USDT', entry: '100', fractionCap: '50', winRate: '60', payoff: '1' },
      inputs(),
    );
    expect(r.error).toBeNull();
    expect(r.amount).toBe('20');
  });

  it('volatility sizing uses the ATR of the recent candles', async () => {
    const r = await sizeOrder(
      { method: 'volatility', symbol: 'BTC/USDT', riskPct: '1', atrMultiple: '2', entry: '100' },
      inputs(),
    );
    expect(r.error).toBeNull();
    // True range 4 on every bar (the range covers the previous close): stop 8 away, 100 / 8 = 12.5.
    expect(r.amount).toBe('12.5');
  });

  it('risk parity tops the target up to its share of equity', async () => {
    const held: PositionRecord = {
      accountId: 'p',
      symbol: 'ETH/USDT',
      base: 'ETH',
      quote: 'USDT',
      amount: '10',
      avgEntry: '100',
      realizedPnl: '0',
      updatedAt: 0,
    };
    const r = await sizeOrder(
      { method: 'risk-parity', symbol: 'BTC/USDT', price: '100' },
      inputs({ positions: [held] }),
    );
    expect(r.error).toBeNull();
    // Same volatility for both: half of 10,000 each, so 50 BTC at 100.
    expect(r.amount).toBe('50');
  });

  it('refuses an unknown method', async () => {
    const r = await sizeOrder({ method: 'martingale' } as never, inputs());
    expect(r.error).toMatch(/sizing method/);
  });
});
