import { describe, expect, it } from 'vitest';
import { decimalsOf, formatFloat, formatProduct, formatUnits, parseUnits } from './decimal.js';
import { MARKETS, priceString, qtyString } from './markets.js';

describe('exact decimals', () => {
  it('parses and formats 1e-8 units without float noise', () => {
    expect(parseUnits('0.01')).toBe(1_000_000);
    expect(parseUnits('65000.01')).toBe(6_500_001_000_000);
    expect(parseUnits('1')).toBe(100_000_000);
    expect(parseUnits('0.000000001')).toBeNull();
    expect(parseUnits('-1')).toBeNull();
    expect(parseUnits('1e5')).toBeNull();
    expect(formatUnits(6_500_001_000_000)).toBe('65000.01000000');
    expect(formatUnits(30_000_000)).toBe('0.30000000');
    expect(formatUnits(-1_000_000)).toBe('-0.01000000');
    expect(formatUnits(0)).toBe('0.00000000');
  });

  it('formats floats cleanly', () => {
    expect(formatFloat(0.1 + 0.2)).toBe('0.30000000');
    expect(formatFloat(-1e-12)).toBe('0.00000000');
    expect(formatFloat(Number.NaN)).toBe('0.00000000');
  });

  it('multiplies exactly and truncates to 8 decimals', () => {
    expect(formatProduct(parseUnits('65000.01') as number, parseUnits('0.00001') as number)).toBe(
      '0.65000010',
    );
    expect(formatProduct(parseUnits('0.04901') as number, parseUnits('0.0001') as number)).toBe('0.00000490');
  });

  it('derives decimals from tick sizes', () => {
    expect(decimalsOf(1_000_000)).toBe(2);
    expect(decimalsOf(1000)).toBe(5);
    expect(decimalsOf(100_000_000)).toBe(0);
  });

  it('formats every market price and quantity exactly', () => {
    for (const m of MARKETS) {
      const ticks = Math.round(m.startPrice / m.tick) + 3;
      const text = priceString(m, ticks);
      expect(text).toMatch(/^\d+\.\d{8}$/);
      expect(Math.abs(Number(text) - ticks * m.tick)).toBeLessThan(m.tick / 1000);
      expect(qtyString(m, 7)).toMatch(/^\d+\.\d{8}$/);
    }
    const btc = MARKETS.find((m) => m.id === 'BTCUSDT');
    expect(btc && priceString(btc, 6_500_001)).toBe('65000.01000000');
  });
});
