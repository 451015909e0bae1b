/**
 * Chart colours. Canvas cannot use CSS variables directly, so the palette is read from the element's
 * computed style (the app defines --up, --down, ... in its layout) with dark-theme fallbacks.
 */

export interface ChartTheme {
  up: string;
  down: string;
  /** Grid lines and ticks. */
  grid: string;
  /** Axis labels. */
  text: string;
  /** Text drawn on an up/down coloured tag (the last-price label). */
  tagText: string;
  /** Mid-price line on the depth chart (drawn at half opacity). */
  mid: string;
  fontFamily: string;
}

export const FALLBACK_THEME: ChartTheme = {
  up: '#2ebd85',
  down: '#ff5c70',
  grid: 'rgba(160, 174, 192, 0.09)',
  text: '#9aa4b5',
  tagText: '#0b0e14',
  mid: '#9aa4b5',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
};

/** The font used on the chart canvases, in CSS pixels (uPlot scales it for the pixel ratio). */
export const AXIS_FONT_PX = 11;

export function readTheme(el: Element): ChartTheme {
  if (typeof getComputedStyle !== 'function') return { ...FALLBACK_THEME };
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  return {
    up: v('--up', FALLBACK_THEME.up),
    down: v('--down', FALLBACK_THEME.down),
    grid: v('--grid', FALLBACK_THEME.grid),
    text: v('--text-dim', FALLBACK_THEME.text),
    tagText: v('--bg', FALLBACK_THEME.tagText),
    mid: v('--text-dim', FALLBACK_THEME.mid),
    fontFamily: cs.fontFamily || FALLBACK_THEME.fontFamily,
  };
}

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a #rgb or #rrggbb colour. */
export function luminance(hex: string): number {
  let h = hex.replace('#', '');
  if (h.length === 3) h = h.replace(/./g, (c) => c + c);
  const n = parseInt(h, 16);
  if (h.length !== 6 || Number.isNaN(n)) throw new Error(`not a hex colour: ${hex}`);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** WCAG contrast ratio between two hex colours (1..21). */
export function contrastRatio(a: string, b: string): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * `color` with its alpha multiplied by `alpha`, as rgba(); understands #rgb, #rrggbb, rgb() and rgba()
 * (what a canvas reports back for sRGB colours). Null for anything else.
 */
export function withAlpha(color: string, alpha: number): string | null {
  const c = color.trim();
  let r: number, g: number, b: number;
  let a = 1;
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c);
  if (hex) {
    let h = hex[1] as string;
    if (h.length === 3) h = h.replace(/./g, (x) => x + x);
    const n = parseInt(h, 16);
    r = (n >> 16) & 255;
    g = (n >> 8) & 255;
    b = n & 255;
  } else {
    const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/i.exec(c);
    if (!fn) return null;
    r = Number(fn[1]);
    g = Number(fn[2]);
    b = Number(fn[3]);
    const raw = fn[4];
    if (raw !== undefined) a = raw.endsWith('%') ? parseFloat(raw) / 100 : parseFloat(raw);
  }
  const out = Math.round(Math.min(1, Math.max(0, a * alpha)) * 1000) / 1000;
  return `rgba(${r}, ${g}, ${b}, ${out})`;
}
