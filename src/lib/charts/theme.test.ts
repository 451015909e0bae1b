import { describe, expect, it } from 'vitest';
import { contrastRatio, FALLBACK_THEME, withAlpha } from './theme';

const PAGE = '#0b0e14';
const PANEL = '#11151d';

describe('fallback palette', () => {
  // DOM text in the chart components uses these colours (readout, states) on the dark backgrounds.
  it.each([
    ['text-dim', FALLBACK_THEME.text],
    ['up', FALLBACK_THEME.up],
    ['down', FALLBACK_THEME.down],
    ['text', '#e3e7ee'],
  ])('%s passes WCAG AA (4.5:1) on the page and panel', (_name, color) => {
    expect(contrastRatio(color, PAGE)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(color, PANEL)).toBeGreaterThanOrEqual(4.5);
  });

  it('keeps the last-price tag text legible on the up/down colours', () => {
    expect(contrastRatio(FALLBACK_THEME.tagText, FALLBACK_THEME.up)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(FALLBACK_THEME.tagText, FALLBACK_THEME.down)).toBeGreaterThanOrEqual(4.5);
  });

  it('computes known ratios', () => {
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21);
    expect(contrastRatio('#777777', '#777777')).toBeCloseTo(1);
  });
});

describe('withAlpha', () => {
  it('converts the forms a canvas reports', () => {
    expect(withAlpha('#26a69a', 0.2)).toBe('rgba(38, 166, 154, 0.2)');
    expect(withAlpha('#fff', 0.5)).toBe('rgba(255, 255, 255, 0.5)');
    expect(withAlpha('rgb(10, 20, 30)', 0.25)).toBe('rgba(10, 20, 30, 0.25)');
    expect(withAlpha('rgba(10, 20, 30, 0.5)', 0.5)).toBe('rgba(10, 20, 30, 0.25)');
    expect(withAlpha('rgb(10 20 30 / 50%)', 1)).toBe('rgba(10, 20, 30, 0.5)');
  });
  it('gives up on other syntaxes', () => {
    expect(withAlpha('oklch(70% 0.1 180)', 0.2)).toBeNull();
    expect(withAlpha('var(--up)', 0.2)).toBeNull();
  });
});
