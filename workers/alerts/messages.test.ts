import { describe, expect, it } from 'vitest';
import {
  correlationMessage,
  drawdownMessage,
  formatPrice,
  formatSpan,
  priceCrossMessage,
  withLateness,
} from './messages.js';

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

  it('shows a drawdown and its threshold rounded alike, so the drawdown is never shown under it', () => {
    const dd = (drawdown: number, threshold: number) =>
      drawdownMessage({ kind: 'drawdown', time: 0, accountId: 'paper', drawdown }, threshold);
    expect(dd(0.29, 0.29)).toBe('Account paper is 29 % below its equity peak (alert at 29 %).');
    expect(dd(0.2899999, 0.28)).toBe('Account paper is 29 % below its equity peak (alert at 28 %).');
    // 12.349 % against 12.346 %: flooring one and rounding the other showed 12.34 % against 12.35 %.
    expect(dd(0.12349, 0.12346)).toBe('Account paper is 12.35 % below its equity peak (alert at 12.35 %).');
    // Half away from zero on the decimal text, whatever the float below it.
    expect(dd(0.12345, 0.1)).toBe('Account paper is 12.35 % below its equity peak (alert at 10 %).');
    expect(dd(0.00005, 0.00005)).toBe('Account paper is 0.01 % below its equity peak (alert at 0.01 %).');
  });

  it('shows a correlation change and its threshold rounded alike', () => {
    const pair = { a: 'BTC', b: 'ETH', ewma: 0.2941, longRun: 0.8, change: -0.5059 };
    expect(correlationMessage(pair, 0.5051)).toBe(
      'Correlation shock BTC/ETH: recent correlation 0.29 against 0.8 long-run (change -0.51, alert at 0.51).',
    );
  });

  it('adds the reason a firing is late', () => {
    expect(withLateness('A.', null)).toBe('A.');
    expect(withLateness('A.', 'because')).toBe('A. Late: because.');
  });
});
