import { describe, expect, it } from 'vitest';
import {
  formatDecimalText,
  formatSignedDecimalText,
  isDecimalText,
  normalizeDecimal,
  signOf,
  stepText,
  stepValue,
} from './decimal-text';

describe('typed decimals', () => {
  it('cleans what people type into plain decimal text', () => {
    expect(normalizeDecimal(' 0,5 ')).toBe('0.5');
    expect(normalizeDecimal('1,000.25')).toBe('1000.25');
    expect(normalizeDecimal('65 000')).toBe('65000');
    expect(normalizeDecimal('1.000,5')).toBe('1000.5');
    expect(normalizeDecimal('1,000,000')).toBe('1000000');
    expect(normalizeDecimal('0,500')).toBe('0.500');
    // "1,000" is one thousand or one: left as typed so the engine asks for a number instead of guessing.
    expect(normalizeDecimal('1,000')).toBe('1,000');
    expect(normalizeDecimal('1,00')).toBe('1.00');
    expect(normalizeDecimal('1_000.5')).toBe('1000.5');
    expect(normalizeDecimal('abc')).toBe('abc');
    expect(normalizeDecimal('')).toBe('');
  });

  it('tells decimal text from anything else', () => {
    expect(isDecimalText('0.012')).toBe(true);
    expect(isDecimalText('.5')).toBe(true);
    expect(isDecimalText('12.')).toBe(true);
    expect(isDecimalText('-1')).toBe(false);
    expect(isDecimalText('1e3')).toBe(false);
    expect(isDecimalText('')).toBe(false);
  });
});

describe('showing decimal text', () => {
  it('groups digits without going through a float', () => {
    expect(formatDecimalText('1234567.123456789012345678')).toBe('1,234,567.123456789012345678');
    expect(formatDecimalText('0.00012')).toBe('0.00012');
    expect(formatDecimalText('-1050')).toBe('−1,050');
    expect(formatDecimalText('1050.5', 2)).toBe('1,050.50');
    expect(formatDecimalText('0.125', 2)).toBe('0.12');
    expect(formatDecimalText(null)).toBe('–');
    expect(formatDecimalText('')).toBe('–');
    expect(formatDecimalText('n/a')).toBe('n/a');
  });

  it('signs profit and loss', () => {
    expect(formatSignedDecimalText('12.5', 2)).toBe('+12.50');
    expect(formatSignedDecimalText('-3')).toBe('−3');
    expect(formatSignedDecimalText('0', 2)).toBe('0.00');
    expect(signOf('-0.1')).toBe(-1);
    expect(signOf('0')).toBe(0);
    expect(signOf('x')).toBe(0);
  });
});

describe('stepping by the tick', () => {
  it('writes ticks and lots as plain text', () => {
    expect(stepText(0.00001)).toBe('0.00001');
    expect(stepText(1e-8)).toBe('0.00000001');
    expect(stepText(0)).toBeNull();
  });

  it('moves on the tick grid, exactly', () => {
    expect(stepValue('100.1', 0.1, 1)).toBe('100.2');
    expect(stepValue('0.3', 0.1, -1)).toBe('0.2');
    // Off the grid: the first step lands on it, in the direction asked.
    expect(stepValue('100.03', 0.05, 1)).toBe('100.05');
    expect(stepValue('100.03', 0.05, -1)).toBe('100');
    // Never below one tick.
    expect(stepValue('0.01', 0.01, -1)).toBe('0.01');
  });

  it('starts an empty field from a reference price on the grid', () => {
    expect(stepValue('', 0.01, 1, 65012.3456)).toBe('65012.35');
    expect(stepValue('', 0.01, 1)).toBe('0.01');
    expect(stepValue('1', 0, 1)).toBeNull();
  });
});
