import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cellAtPoint,
  drawHeatMap,
  heatLayout,
  heatScale,
  MISSING_COLORS,
  moveInGrid,
  textOn,
} from './heatmap';
import { contrastRatio, luminance } from './theme';

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

describe('heat scale', () => {
  it('diverges around zero when values have both signs, symmetric so equal gains and losses look equally strong', () => {
    const s = heatScale([-0.5, 0.1, 2]);
    expect(s.kind).toBe('diverging');
    expect(s.min).toBe(-2);
    expect(s.max).toBe(2);
    expect(s.ticks).toEqual([-2, 0, 2]);
    const loss = rgb(s.colorOf(-1).background);
    const gain = rgb(s.colorOf(1).background);
    expect(loss[0]).toBeGreaterThan(loss[2]);
    expect(gain[2]).toBeGreaterThan(gain[0]);
    expect(luminance(s.colorOf(0).background)).toBeLessThan(luminance(s.colorOf(2).background));
    expect(luminance(s.colorOf(0).background)).toBeLessThan(luminance(s.colorOf(-2).background));
  });

  it('is sequential for one-signed values, darker for lower', () => {
    const s = heatScale([0.2, 0.9, 0.5]);
    expect(s.kind).toBe('sequential');
    expect([s.min, s.max]).toEqual([0.2, 0.9]);
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 0.9, noNaN: true }),
        fc.double({ min: 0.2, max: 0.9, noNaN: true }),
        (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(luminance(s.colorOf(lo).background)).toBeLessThanOrEqual(
            luminance(s.colorOf(hi).background) + 1e-3,
          );
        },
      ),
    );
  });

  it('keeps every cell text at WCAG AA contrast or better, whatever the values', () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 30 }), finite, (values, probe) => {
        const s = heatScale(values);
        for (const v of [...values, probe, s.min, s.max]) {
          const c = s.colorOf(v);
          expect(contrastRatio(c.background, c.color)).toBeGreaterThanOrEqual(4.5);
        }
      }),
    );
    expect(contrastRatio(MISSING_COLORS.background, MISSING_COLORS.color)).toBeGreaterThanOrEqual(4.5);
  });

  it('ignores non-finite values for the range: NaN is missing, infinities take the end colours', () => {
    const s = heatScale([1, 2, Infinity, NaN]);
    expect([s.min, s.max]).toEqual([1, 2]);
    expect(s.colorOf(NaN)).toEqual(MISSING_COLORS);
    expect(s.colorOf(Infinity)).toEqual(s.colorOf(2));
    expect(s.colorOf(-Infinity)).toEqual(s.colorOf(1));
  });

  it('has nothing to scale when no value is finite, and one colour when all are equal', () => {
    expect(heatScale([NaN, NaN]).kind).toBe('empty');
    expect(heatScale([]).colorOf(3)).toEqual(MISSING_COLORS);
    const flat = heatScale([0.3, 0.3]);
    expect(flat.kind).toBe('sequential');
    expect(flat.ticks).toEqual([0.3]);
  });

  it('draws a legend gradient from the scale', () => {
    const s = heatScale([-1, 1]);
    expect(s.gradient.startsWith('linear-gradient(to right, ')).toBe(true);
    expect(s.gradient).toContain(`${s.colorOf(-1).background} 0%`);
    expect(s.gradient).toContain(`${s.colorOf(1).background} 100%`);
  });

  it('picks the text colour with the higher contrast', () => {
    expect(textOn('#fde725')).toBe('#000000');
    expect(textOn('#440154')).toBe('#ffffff');
  });
});

describe('heat layout', () => {
  it('fills the width with equal columns', () => {
    const l = heatLayout({
      width: 440,
      rows: 3,
      cols: 4,
      rowLabelWidth: 40,
      colLabelHeight: 20,
      cellHeight: 28,
    });
    expect(l.cellWidth).toBe(100);
    expect(l.width).toBe(440);
    expect(l.height).toBe(20 + 3 * 28);
    expect(l.showText).toBe(true);
    expect(l.colLabelEvery).toBe(1);
  });

  it('grows wider than the space instead of squashing many columns, and drops text that would not fit', () => {
    const l = heatLayout({
      width: 300,
      rows: 2,
      cols: 100,
      rowLabelWidth: 0,
      colLabelHeight: 20,
      minCellWidth: 16,
    });
    expect(l.cellWidth).toBe(16);
    expect(l.width).toBe(1600);
    expect(l.showText).toBe(false);
    expect(l.colLabelEvery).toBe(2);
  });

  it('caps the column width when asked, leaving the rest of the width empty', () => {
    const l = heatLayout({
      width: 1000,
      rows: 2,
      cols: 4,
      rowLabelWidth: 0,
      colLabelHeight: 20,
      maxCellWidth: 100,
    });
    expect(l.cellWidth).toBe(100);
    expect(l.width).toBe(400);
  });

  it('refuses a map without rows or columns', () => {
    expect(() => heatLayout({ width: 100, rows: 0, cols: 2, rowLabelWidth: 0, colLabelHeight: 0 })).toThrow(
      /at least 1/,
    );
    expect(() => heatLayout({ width: 100, rows: 2, cols: 1.5, rowLabelWidth: 0, colLabelHeight: 0 })).toThrow(
      /whole numbers/,
    );
  });
});

describe('moving in the grid', () => {
  it('moves like a spreadsheet and stays inside', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(
          fc.constantFrom(
            'ArrowUp',
            'ArrowDown',
            'ArrowLeft',
            'ArrowRight',
            'Home',
            'End',
            'PageUp',
            'PageDown',
          ),
        ),
        (rows, cols, keys) => {
          let at = { row: 0, col: 0 };
          for (const k of keys) {
            const next = moveInGrid(at, k, rows, cols);
            expect(next).not.toBeNull();
            at = next as typeof at;
            expect(at.row).toBeGreaterThanOrEqual(0);
            expect(at.row).toBeLessThan(rows);
            expect(at.col).toBeGreaterThanOrEqual(0);
            expect(at.col).toBeLessThan(cols);
          }
        },
      ),
    );
    expect(moveInGrid({ row: 1, col: 1 }, 'ArrowRight', 3, 3)).toEqual({ row: 1, col: 2 });
    expect(moveInGrid({ row: 1, col: 1 }, 'End', 3, 5)).toEqual({ row: 1, col: 4 });
    expect(moveInGrid({ row: 2, col: 1 }, 'PageUp', 3, 5)).toEqual({ row: 0, col: 1 });
    expect(moveInGrid({ row: 1, col: 1 }, 'a', 3, 3)).toBeNull();
  });
});

describe('drawing', () => {
  function recorder() {
    const calls: { op: string; args: unknown[]; fill: string }[] = [];
    const ctx = {
      fillStyle: '' as string,
      font: '',
      textAlign: 'start' as CanvasTextAlign,
      textBaseline: 'alphabetic' as CanvasTextBaseline,
      setTransform: (...args: number[]) => calls.push({ op: 'setTransform', args, fill: ctx.fillStyle }),
      clearRect: (...args: number[]) => calls.push({ op: 'clearRect', args, fill: ctx.fillStyle }),
      fillRect: (...args: number[]) => calls.push({ op: 'fillRect', args, fill: ctx.fillStyle }),
      fillText: (...args: unknown[]) => calls.push({ op: 'fillText', args, fill: ctx.fillStyle }),
    };
    return { ctx, calls };
  }

  const base = {
    rowLabels: ['5', '10'],
    colLabels: ['20', '30', '40'],
    format: (v: number) => v.toFixed(1),
    labelColor: '#9aa4b5',
    fontFamily: 'sans-serif',
    pixelRatio: 2,
  };

  it('fills one rectangle per cell in its scale colour, and prints values that fit with contrasting text', () => {
    const values = Float64Array.from([1, 2, 3, -1, NaN, 0.5]);
    const scale = heatScale(values);
    const layout = heatLayout({ width: 340, rows: 2, cols: 3, rowLabelWidth: 40, colLabelHeight: 20 });
    const { ctx, calls } = recorder();
    drawHeatMap(ctx, { ...base, values, scale, layout });
    expect(calls[0]).toMatchObject({ op: 'setTransform', args: [2, 0, 0, 2, 0, 0] });
    const rects = calls.filter((c) => c.op === 'fillRect');
    expect(rects).toHaveLength(6);
    rects.forEach((r, k) => expect(r.fill).toBe(scale.colorOf(values[k] as number).background));
    // The second row's first cell sits one cell height below and the label column to the right.
    expect(rects[3]?.args[0]).toBeCloseTo(40 + 1);
    expect(rects[3]?.args[1]).toBeCloseTo(20 + 28 + 1);
    const texts = calls.filter((c) => c.op === 'fillText').map((c) => [c.args[0], c.fill]);
    expect(texts).toContainEqual(['3.0', scale.colorOf(3).color]);
    expect(texts).toContainEqual(['—', MISSING_COLORS.color]);
    // Axis labels: three columns, two rows, in the label colour.
    for (const l of ['20', '30', '40', '5', '10']) expect(texts).toContainEqual([l, '#9aa4b5']);
  });

  it('leaves values out when cells are too small, and thins the labels', () => {
    const cols = 100;
    const values = Float64Array.from({ length: cols }, (_, k) => k);
    const layout = heatLayout({
      width: 300,
      rows: 1,
      cols,
      rowLabelWidth: 0,
      colLabelHeight: 20,
      minCellWidth: 16,
    });
    const { ctx, calls } = recorder();
    drawHeatMap(ctx, {
      ...base,
      rowLabels: [''],
      colLabels: Array.from(values, String),
      values,
      scale: heatScale(values),
      layout,
    });
    expect(calls.filter((c) => c.op === 'fillRect')).toHaveLength(100);
    const texts = calls.filter((c) => c.op === 'fillText');
    expect(texts).toHaveLength(Math.ceil(cols / layout.colLabelEvery));
  });

  it('finds the cell under a point', () => {
    const layout = heatLayout({ width: 340, rows: 2, cols: 3, rowLabelWidth: 40, colLabelHeight: 20 });
    expect(cellAtPoint(layout, 2, 3, 41, 21)).toEqual({ row: 0, col: 0 });
    expect(cellAtPoint(layout, 2, 3, 339, 20 + 28 + 5)).toEqual({ row: 1, col: 2 });
    expect(cellAtPoint(layout, 2, 3, 30, 30)).toBeNull();
    expect(cellAtPoint(layout, 2, 3, 100, 200)).toBeNull();
  });
});
