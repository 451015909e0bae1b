import uPlot from 'uplot';
import type { BookView } from '$workers/api';
import { computeDepth, createDepth, depthAt, depthXRange, type Depth, type DepthHit } from './depth-data';
import { clampDecimals, formatCompact, formatPrice, priceIncrs, tickDecimals } from './format';
import { maxTextWidth, normalizeColor, textWidth } from './measure';
import { createPlotShell } from './plot-shell';
import { AXIS_FONT_PX, FALLBACK_THEME, readTheme, withAlpha, type ChartTheme } from './theme';
import { attachTouchCursor } from './touch';

export interface DepthHover extends DepthHit {
  /** Price under the cursor. */
  price: number;
}

export interface DepthChartOptions {
  priceDecimals: number;
  amountDecimals: number;
  /** What the cursor points at, or null when it leaves; also re-sent after each update while hovering. */
  onCursor?: (hover: DepthHover | null) => void;
}

export interface DepthChart {
  /** Latest book; updates are coalesced to one redraw per animation frame (the last book wins). */
  setBook(book: BookView | null): void;
  setDecimals(price: number, amount: number): void;
  /** Plot size in CSS pixels, axes included. */
  resize(w: number, h: number): void;
  destroy(): void;
  /** The depth drawn last (reused between frames: read, don't keep). */
  readonly depth: Depth;
  refreshTheme(): void;
}

const FILL_ALPHA = 0.16;
const Y_TICK = 4;
const Y_GAP = 6;
const EMPTY = new Float64Array(0);

interface Fills {
  bid: string;
  ask: string;
}

function fillsFor(theme: ChartTheme): Fills {
  return {
    bid:
      withAlpha(normalizeColor(theme.up), FILL_ALPHA) ?? (withAlpha(FALLBACK_THEME.up, FILL_ALPHA) as string),
    ask:
      withAlpha(normalizeColor(theme.down), FILL_ALPHA) ??
      (withAlpha(FALLBACK_THEME.down, FILL_ALPHA) as string),
  };
}

export function createDepthChart(el: HTMLElement, opts: DepthChartOptions): DepthChart {
  let theme = readTheme(el);
  let fills = fillsFor(theme);
  let pd = clampDecimals(opts.priceDecimals);
  let ad = clampDecimals(opts.amountDecimals);
  const font = `${AXIS_FONT_PX}px ${theme.fontFamily}`;

  const depth = createDepth();
  // The same arrays every frame: computeDepth rewrites them in place.
  const data: uPlot.AlignedData = [depth.xs, depth.bidCum, depth.askCum];

  let pendingBook: BookView | null = null;
  let bookDirty = false;
  let hoverStale = false;
  let ySize = 0;
  let dash: number[] = [];
  let dashRatio = 0;

  function drawMid(u: uPlot) {
    if (depth.nb === 0 || depth.na === 0) return;
    const { top, height } = u.bbox;
    const pr = uPlot.pxRatio;
    const lw = Math.max(1, Math.round(pr));
    if (pr !== dashRatio) {
      dashRatio = pr;
      dash = [3 * lw, 3 * lw];
    }
    const x = Math.round(u.valToPos((depth.bestBid + depth.bestAsk) / 2, 'x', true)) + (lw % 2) / 2;
    const ctx = u.ctx;
    ctx.save();
    ctx.globalAlpha = 0.5;
    ctx.strokeStyle = theme.mid;
    ctx.lineWidth = lw;
    ctx.setLineDash(dash);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.restore();
  }

  let lastHover: DepthHover | null = null;
  function emitHover(u: uPlot) {
    const left = u.cursor.left ?? -1;
    let hover: DepthHover | null = null;
    if (left >= 0 && depth.n > 0) {
      const price = u.posToVal(left, 'x');
      const hit = depthAt(depth, price);
      if (hit) hover = { ...hit, price };
    }
    if (hover === null && lastHover === null) return;
    lastHover = hover;
    opts.onCursor?.(hover);
  }

  function yAxisSize(_u: uPlot, values: string[] | null): number {
    if (!values) return Math.max(ySize, 44);
    ySize = Math.max(ySize, Math.ceil(maxTextWidth(values, font) + Y_TICK + Y_GAP + 6));
    return ySize;
  }

  const stepped = uPlot.paths.stepped;

  const uOpts: uPlot.Options = {
    width: Math.max(0, Math.floor(el.clientWidth)),
    height: Math.max(0, Math.floor(el.clientHeight)),
    class: 'lyra-depth',
    legend: { show: false },
    padding: [10, null, null, null],
    cursor: {
      x: true,
      y: true,
      points: { show: false },
      drag: { x: false, y: false, setScale: false },
      bind: { dblclick: () => null },
    },
    scales: {
      x: {
        time: false,
        auto: true,
        range: (_u, min, max) => depthXRange(depth) ?? [min ?? 0, max ?? 1],
      },
      y: {
        auto: true,
        range: (_u, _min, max) => [0, max != null && max > 0 ? max * 1.1 : 1],
      },
    },
    series: [
      {},
      {
        label: 'Bids',
        scale: 'y',
        stroke: () => theme.up,
        fill: () => fills.bid,
        width: 1.5,
        // Bid depth at price p counts the levels at or above p: each level holds until the next one up,
        // and the total holds past the deepest level shown (extend).
        paths: stepped?.({ align: -1, extend: true }),
        points: { show: false },
      },
      {
        label: 'Asks',
        scale: 'y',
        stroke: () => theme.down,
        fill: () => fills.ask,
        width: 1.5,
        // Ask depth at price p counts the levels at or below p: each level holds until the next one up,
        // and the total holds past the deepest level shown (extend).
        paths: stepped?.({ align: 1, extend: true }),
        points: { show: false },
      },
    ],
    axes: [
      {
        scale: 'x',
        side: 2,
        font,
        stroke: () => theme.text,
        size: 26,
        gap: 4,
        space: (u) => {
          const max = u.scales.x?.max;
          return max == null ? 80 : textWidth(formatPrice(max, pd), font) + 28;
        },
        incrs: () => priceIncrs(pd),
        values: (_u, splits, _i, _space, incr) => {
          const d = tickDecimals(incr, pd);
          return splits.map((v) => formatPrice(v, d));
        },
        grid: { stroke: () => theme.grid, width: 1 },
        ticks: { stroke: () => theme.grid, width: 1, size: 4 },
      },
      {
        scale: 'y',
        side: 1,
        font,
        stroke: () => theme.text,
        gap: Y_GAP,
        space: 32,
        size: yAxisSize,
        values: (_u, splits) => splits.map((v) => formatCompact(v)),
        grid: { stroke: () => theme.grid, width: 1 },
        ticks: { stroke: () => theme.grid, width: 1, size: Y_TICK },
      },
    ],
    hooks: {
      draw: [drawMid],
      setCursor: [emitHover],
    },
  };

  const shell = createPlotShell(
    (u) => {
      if (!bookDirty) return;
      bookDirty = false;
      const b = pendingBook;
      pendingBook = null;
      computeDepth(b?.bids ?? EMPTY, b?.asks ?? EMPTY, depth);
      u.setData(data);
      hoverStale = true;
    },
    (u) => {
      // The levels under a resting cursor change with the book even when the scales do not.
      if (hoverStale && (u.cursor.left ?? -1) >= 0) emitHover(u);
      hoverStale = false;
    },
  );
  const u = new uPlot(uOpts, data, el);
  shell.attach(u, attachTouchCursor(u));

  return {
    setBook(book) {
      pendingBook = book;
      bookDirty = true;
      shell.frame.schedule();
    },

    setDecimals(price, amount) {
      const p = clampDecimals(price);
      const a = clampDecimals(amount);
      if (p === pd && a === ad) return;
      pd = p;
      ad = a;
      ySize = 0;
      shell.invalidateAxes();
    },

    resize: shell.resize,
    destroy: shell.destroy,

    get depth() {
      return depth;
    },

    refreshTheme() {
      theme = readTheme(el);
      fills = fillsFor(theme);
      shell.invalidateAxes();
    },
  };
}
