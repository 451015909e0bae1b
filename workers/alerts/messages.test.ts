import { describe, expect, it } from 'vitest';
import { formatPrice, formatSpan, priceCrossMessage, withLateness } from './messages.js';

describe('alert message formatting', () => {
  it('spans with at most two units', () => {
    expect(formatSpan(450)).toBe('450 ms');
    expect(formatSpan(45_000)).toBe('45 s');
    expect(formatSpan(90_000)).toBe('1 min 30 s');
    expect(formatSpan(3_600_000)).toBe('1 h');
    expect(formatSpan(5_400_000)).toBe('1 h 30 min');
    expect(formatSpan(2 * 86_400_000 + 3_600_500)).toBe('2 d 1 h');
  });

  it('prices with the digits they need', () => {
    expect(formatPrice(70_012.5)).toBe('70,012.5');
    expect(formatPrice(1.23456789)).toBe('1.2345679');
    expect(formatPrice(0.000012345)).toBe('0.000012345');
    expect(formatPrice(0.1 + 0.2)).toBe('0.3');
  });

  it('rounds toward the level that was passed, so the number never seems short of it', () => {
    // 69,999.99999 crossed below 70,000 is shown as 70,000, not as a figure above the level.
    expect(priceCrossMessage('BTC/USDT', '70000', 69_999.9999, 'down')).toBe(
      'BTC/USDT crossed below 70,000: last 70,000.',
    );
    expect(priceCrossMessage('BTC/USDT', '70000', 70_000.0004, 'up')).toBe(
      'BTC/USDT crossed above 70,000: last 70,000.',
    );
  });

  it('adds the reason a firing is late', () => {
    expect(withLateness('A.', null)).toBe('A.');
    expect(withLateness('A.', 'because')).toBe('A. Late: because.');
  });
});
