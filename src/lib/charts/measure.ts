/** Text width in CSS pixels on a shared off-screen canvas (axis sizing). */
let ctx: CanvasRenderingContext2D | null | undefined;
let currentFont = '';

export function textWidth(text: string, font: string): number {
  if (ctx === undefined)
    ctx = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  if (!ctx) return text.length * 7;
  if (font !== currentFont) {
    ctx.font = font;
    currentFont = font;
  }
  return ctx.measureText(text).width;
}

/** Widest of several labels. */
export function maxTextWidth(texts: readonly (string | null | undefined)[], font: string): number {
  let w = 0;
  for (const t of texts) if (t) w = Math.max(w, textWidth(t, font));
  return w;
}

/** A CSS colour as the canvas reports it back (#rrggbb or rgba() for sRGB colours), for withAlpha(). */
export function normalizeColor(color: string): string {
  textWidth('', '10px sans-serif');
  if (!ctx) return color;
  ctx.fillStyle = '#000';
  ctx.fillStyle = color;
  return String(ctx.fillStyle);
}
