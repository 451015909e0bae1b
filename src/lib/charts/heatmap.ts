/**
 * A heat map's colour scale, legend and geometry, without the DOM. Values that span zero get a diverging
 * scale (red below, blue above, dark at zero) so a loss never looks like a small gain; one-signed values
 * get a sequential one (viridis-like, dark to bright). Text on a cell is black or white, whichever
 * contrasts more, which is at least 4.58:1 on any colour.
 */
import { contrastRatio } from './theme';

export interface CellColors {
  background: string;
  color: string;
}

export interface HeatScale {
  kind: 'sequential' | 'diverging' | 'empty';
  /** The ends of the scale (symmetric around zero when diverging). */
  min: number;
  max: number;
  colorOf(v: number): CellColors;
  /** A CSS linear-gradient (left = min) for the legend. */
  gradient: string;
  /** Values worth a label under the legend: the ends, and zero when diverging. */
  ticks: number[];
}

type Rgb = readonly [number, number, number];

// Viridis, sampled at nine even points: perceptually even and readable by most colour-blind people.
const SEQUENTIAL: readonly Rgb[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];
const NEGATIVE: Rgb = [226, 84, 98];
const ZERO: Rgb = [47, 54, 68];
const POSITIVE: Rgb = [66, 146, 236];

/** Cells with no value (a skipped or failed run). */
export const MISSING_COLORS: CellColors = { background: '#1b202a', color: '#ffffff' };

function hex(rgb: readonly number[]): string {
  return `#${rgb
    .map((c) =>
      Math.round(Math.min(255, Math.max(0, c)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function ramp(stops: readonly Rgb[], t: number): Rgb {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  return mix(stops[i] as Rgb, stops[i + 1] as Rgb, x - i);
}

/** Black or white text, whichever reads better on `background` (a #rrggbb colour). */
export function textOn(background: string): string {
  return contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff') ? '#000000' : '#ffffff';
}

function colors(rgb: Rgb): CellColors {
  const background = hex(rgb);
  return { background, color: textOn(background) };
}

function gradientOf(colorAt: (t: number) => string, steps = 9): string {
  const parts: string[] = [];
  for (let i = 0; i < steps; i++) {
    const t = i / (steps - 1);
    parts.push(`${colorAt(t)} ${Math.round(t * 100)}%`);
  }
  return `linear-gradient(to right, ${parts.join(', ')})`;
}

/**
 * The scale for these values. Only finite values set the range; an infinite one (a Calmar with no
 * drawdown) takes the colour of its end, NaN the missing colour.
 */
export function heatScale(values: ArrayLike<number>): HeatScale {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) {
    return {
      kind: 'empty',
      min: NaN,
      max: NaN,
      colorOf: () => MISSING_COLORS,
      gradient: `linear-gradient(to right, ${MISSING_COLORS.background}, ${MISSING_COLORS.background})`,
      ticks: [],
    };
  }
  if (lo < 0 && hi > 0) {
    const m = Math.max(-lo, hi);
    const rgbAt = (v: number): Rgb =>
      v < 0 ? mix(ZERO, NEGATIVE, Math.min(1, -v / m)) : mix(ZERO, POSITIVE, Math.min(1, v / m));
    return {
      kind: 'diverging',
      min: -m,
      max: m,
      colorOf: (v) => (Number.isNaN(v) ? MISSING_COLORS : colors(rgbAt(v))),
      gradient: gradientOf((t) => hex(rgbAt(-m + 2 * m * t))),
      ticks: [-m, 0, m],
    };
  }
  const span = hi - lo;
  const tOf = (v: number) => (span > 0 ? (v - lo) / span : 0.5);
  return {
    kind: 'sequential',
    min: lo,
    max: hi,
    colorOf: (v) => (Number.isNaN(v) ? MISSING_COLORS : colors(ramp(SEQUENTIAL, tOf(v)))),
    gradient: gradientOf((t) => hex(ramp(SEQUENTIAL, t))),
    ticks: span > 0 ? [lo, hi] : [lo],
  };
}

export interface HeatLayoutInput {
  /** Space for the whole drawing, CSS px. */
  width: number;
  rows: number;
  cols: number;
  /** Room left of the cells for row labels and under/over them for column labels. */
  rowLabelWidth: number;
  colLabelHeight: number;
  /** Cells are as wide as the width allows, at least `minCellWidth` and at most `maxCellWidth`. */
  minCellWidth?: number;
  maxCellWidth?: number;
  cellHeight?: number;
}

export interface HeatLayout {
  width: number;
  height: number;
  cellWidth: number;
  cellHeight: number;
  /** Left and top of the cell area. */
  x0: number;
  y0: number;
  /** Cells wide and tall enough to print their value legibly. */
  showText: boolean;
  /** Every how many columns a column label fits without overlapping. */
  colLabelEvery: number;
  rowLabelEvery: number;
}

const TEXT_MIN_WIDTH = 38;
const TEXT_MIN_HEIGHT = 18;
const LABEL_MIN_WIDTH = 30;
const LABEL_MIN_HEIGHT = 14;

/**
 * Where the cells go. The drawing fills the width (up to `maxCellWidth` a column: five huge cells read
 * worse than five compact ones); when the columns would be thinner than `minCellWidth` it grows wider
 * than the space (its frame scrolls sideways) instead of squashing.
 */
export function heatLayout(input: HeatLayoutInput): HeatLayout {
  if (
    !(input.rows >= 1) ||
    !(input.cols >= 1) ||
    !Number.isInteger(input.rows) ||
    !Number.isInteger(input.cols)
  )
    throw new Error(
      `A heat map needs whole numbers of rows and columns, at least 1 (got ${input.rows} x ${input.cols}).`,
    );
  const minCellWidth = input.minCellWidth ?? 14;
  const cellHeight = input.cellHeight ?? 28;
  const x0 = input.rowLabelWidth;
  const y0 = input.colLabelHeight;
  const available = Math.max(0, input.width - x0);
  const cellWidth = Math.max(minCellWidth, Math.min(input.maxCellWidth ?? Infinity, available / input.cols));
  const width = x0 + cellWidth * input.cols;
  const height = y0 + cellHeight * input.rows;
  return {
    width,
    height,
    cellWidth,
    cellHeight,
    x0,
    y0,
    showText: cellWidth >= TEXT_MIN_WIDTH && cellHeight >= TEXT_MIN_HEIGHT,
    colLabelEvery: Math.max(1, Math.ceil(LABEL_MIN_WIDTH / cellWidth)),
    rowLabelEvery: Math.max(1, Math.ceil(LABEL_MIN_HEIGHT / cellHeight)),
  };
}

export interface GridPosition {
  row: number;
  col: number;
}

/**
 * The active cell after a key, like a spreadsheet: arrows move one cell, Home/End go to the row's ends,
 * PageUp/PageDown to the column's. Null for keys the grid does not handle.
 */
export function moveInGrid(at: GridPosition, key: string, rows: number, cols: number): GridPosition | null {
  const clamp = (r: number, c: number) => ({
    row: Math.min(rows - 1, Math.max(0, r)),
    col: Math.min(cols - 1, Math.max(0, c)),
  });
  switch (key) {
    case 'ArrowUp':
      return clamp(at.row - 1, at.col);
    case 'ArrowDown':
      return clamp(at.row + 1, at.col);
    case 'ArrowLeft':
      return clamp(at.row, at.col - 1);
    case 'ArrowRight':
      return clamp(at.row, at.col + 1);
    case 'Home':
      return clamp(at.row, 0);
    case 'End':
      return clamp(at.row, cols - 1);
    case 'PageUp':
      return clamp(0, at.col);
    case 'PageDown':
      return clamp(rows - 1, at.col);
    default:
      return null;
  }
}

/** The part of a 2D canvas context the heat map draws with (a recording fake stands in for it in tests). */
export interface HeatCanvas {
  fillStyle: string | CanvasGradient | CanvasPattern;
  font: string;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  clearRect(x: number, y: number, w: number, h: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
}

export interface HeatDrawInput {
  layout: HeatLayout;
  values: ArrayLike<number>;
  rowLabels: readonly string[];
  colLabels: readonly string[];
  scale: HeatScale;
  format: (v: number) => string;
  /** Axis label colour and the font family (from the page's CSS). */
  labelColor: string;
  fontFamily: string;
  /** Device pixels per CSS pixel. */
  pixelRatio: number;
}

/** Gap between cells, CSS px: cells read as separate squares, not a blur. */
const CELL_GAP = 1;

/**
 * Draws the cells, their values when they fit and the axis labels onto a canvas sized
 * layout.width x layout.height CSS px times `pixelRatio`. A canvas, not an SVG element per cell: a sweep of
 * 200 x 400 combinations is 80,000 cells.
 */
export function drawHeatMap(ctx: HeatCanvas, d: HeatDrawInput): void {
  const { layout: l, values, scale } = d;
  const rows = Math.max(1, d.rowLabels.length);
  const cols = Math.max(1, d.colLabels.length);
  ctx.setTransform(d.pixelRatio, 0, 0, d.pixelRatio, 0, 0);
  ctx.clearRect(0, 0, l.width, l.height);
  const w = Math.max(1, l.cellWidth - 2 * CELL_GAP);
  const h = Math.max(1, l.cellHeight - 2 * CELL_GAP);
  ctx.font = `11px ${d.fontFamily}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = values[i * cols + j] as number;
      const c = scale.colorOf(v);
      const x = l.x0 + j * l.cellWidth;
      const y = l.y0 + i * l.cellHeight;
      ctx.fillStyle = c.background;
      ctx.fillRect(x + CELL_GAP, y + CELL_GAP, w, h);
      if (l.showText) {
        ctx.fillStyle = c.color;
        ctx.fillText(Number.isNaN(v) ? '—' : d.format(v), x + l.cellWidth / 2, y + l.cellHeight / 2);
      }
    }
  }
  ctx.fillStyle = d.labelColor;
  ctx.textBaseline = 'alphabetic';
  for (let j = 0; j < cols; j += l.colLabelEvery)
    ctx.fillText(d.colLabels[j] ?? '', l.x0 + (j + 0.5) * l.cellWidth, l.y0 - 6);
  if (l.x0 > 0) {
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let i = 0; i < rows; i += l.rowLabelEvery)
      ctx.fillText(d.rowLabels[i] ?? '', l.x0 - 6, l.y0 + (i + 0.5) * l.cellHeight);
  }
}

/** The cell under a point given in CSS px from the drawing's top left, or null outside the cells. */
export function cellAtPoint(
  l: HeatLayout,
  rows: number,
  cols: number,
  x: number,
  y: number,
): GridPosition | null {
  const cx = x - l.x0;
  const cy = y - l.y0;
  if (cx < 0 || cy < 0) return null;
  const col = Math.floor(cx / l.cellWidth);
  const row = Math.floor(cy / l.cellHeight);
  return row < rows && col < cols ? { row, col } : null;
}
