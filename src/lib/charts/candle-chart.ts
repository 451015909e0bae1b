import uPlot from 'uplot';
import type { CandleColumns, OhlcvRow } from '$workers/api';
import {
  bodyWidth,
  lowerBound,
  minStep,
  priceRange,
  snapLeft,
  spanHeight,
  spanTop,
  volumeRange,
  wickWidth,
} from './candle-geometry';
import { clampDecimals, formatPrice, priceIncrs } from './format';
import { maxTextWidth, textWidth } from './measure';
import { AXIS_FONT_PX, readTheme } from './theme';
import { attachTouchCursor } from './touch';
import { formatTimeTicks, timeIncrsFor } from './time-ticks';
import { createPlotShell } from './plot-shell';
import { candleIndexAt, EMPTY_OVERLAY, sameOverlay, type CandleOverlay } from './candle-overlay';

export interface CandleChartOptions {
  priceDecimals: number;
  amountDecimals: number;
  /**
   * Index of the hovered candle in the chart's own columns (see `bar()`), or null when the cursor
   * leaves the plot. Called only when the index changes.
   */
  onCursor?: (index: number | null) => void;
  /** Called after each redraw that followed a data change: at most once per animation frame. */
  onData?: () => void;
}

export interface CandleChart {
  /** Replaces all candles (copied; the caller keeps ownership). Resets the zoom unless keepZoom. */
  setData(c: CandleColumns, keepZoom?: boolean): void;
  /** Replaces the last candle if it has the same open time, else appends it (older bars update in place). */
  updateLast(bar: OhlcvRow): void;
  setDecimals(price: number, amount: number): void;
  /** Open-order price lines and fill markers drawn over the candles (replaces the previous ones). */
  setOverlay(overlay: CandleOverlay): void;
  /** Plot size in CSS pixels, axes included. */
  resize(w: number, h: number): void;
  destroy(): void;
  /** Candles held. */
  readonly length: number;
  /** Candle spacing detected from the data, in ms (60 000 until there are two candles). */
  readonly intervalMs: number;
  /** Whether the user has zoomed in (drag); double-click or resetZoom() clears it. */
  readonly zoomed: boolean;
  /** One candle as [timeMs, open, high, low, close, volume], or null out of range. */
  bar(index: number): OhlcvRow | null;
  resetZoom(): void;
  /** Re-reads the CSS variables (after a theme change). */
  refreshTheme(): void;
  /** The price at a point of the viewport (a pointer's clientX/Y), or null outside the plot. */
  priceAt(clientX: number, clientY: number): number | null;
  /** The plot area, where pointer events land. */
  readonly over: HTMLElement;
}

/** Padding of the full x range, in candle intervals: a little room after the last candle. */
const X_PAD_LEFT = 0.6;
const X_PAD_RIGHT = 1.5;
const FALLBACK_INTERVAL_S = 60;
const VOLUME_ALPHA = 0.28;
const Y_TICK = 4;
const Y_GAP = 6;
const X_AXIS_SIZE = 26;
const MIN_CAPACITY = 256;

const noPaths = (): null => null;

export function createCandleChart(el: HTMLElement, opts: CandleChartOptions): CandleChart {
  let theme = readTheme(el);
  let pd = clampDecimals(opts.priceDecimals);
  let ad = clampDecimals(opts.amountDecimals);
  const font = `${AXIS_FONT_PX}px ${theme.fontFamily}`;

  // Columns with spare capacity so appending a candle does not copy the history; uPlot reads views.
  let cap = 0;
  let n = 0;
  let xs = new Float64Array(0); // open time, seconds
  let os = xs;
  let hs = xs;
  let ls = xs;
  let cs = xs;
  let vs = xs;
  let data: uPlot.AlignedData = [xs, os, hs, ls, cs, vs];
  let interval = FALLBACK_INTERVAL_S;
  let intervalKnown = false;

  let zoomed = false;
  /** Seconds to slide a zoomed view by: new candles keep a view that showed the newest candle on it. */
  let follow = 0;
  let lastIdx: number | null = null;
  let ySize = 0;
  let dataDirty = false;

  // Per-pixel-ratio drawing constants, rebuilt only when the ratio changes.
  let prCached = 0;
  let dash: number[] = [];
  let triggerDash: number[] = [];
  let tagFont = '';
  let overlay: CandleOverlay = EMPTY_OVERLAY;

  function grow(min: number) {
    let next = Math.max(cap, MIN_CAPACITY);
    while (next < min) next *= 2;
    const copy = (a: Float64Array) => {
      const b = new Float64Array(next);
      if (n > 0) b.set(a.subarray(0, n));
      return b;
    };
    xs = copy(xs);
    os = copy(os);
    hs = copy(hs);
    ls = copy(ls);
    cs = copy(cs);
    vs = copy(vs);
    cap = next;
  }

  function refreshViews() {
    data = [
      xs.subarray(0, n),
      os.subarray(0, n),
      hs.subarray(0, n),
      ls.subarray(0, n),
      cs.subarray(0, n),
      vs.subarray(0, n),
    ];
  }

  function fullRange(): { min: number; max: number } {
    return {
      min: (xs[0] as number) - interval * X_PAD_LEFT,
      max: (xs[n - 1] as number) + interval * X_PAD_RIGHT,
    };
  }

  function syncPxConstants(pr: number) {
    if (pr === prCached) return;
    prCached = pr;
    const w = wickWidth(pr);
    dash = [2 * w, 3 * w];
    triggerDash = [6 * w, 4 * w];
    tagFont = `${AXIS_FONT_PX * pr}px ${theme.fontFamily}`;
  }

  function volumePass(
    u: uPlot,
    ctx: CanvasRenderingContext2D,
    up: boolean,
    i0: number,
    i1: number,
    body: number,
    base: number,
  ) {
    ctx.fillStyle = up ? theme.up : theme.down;
    ctx.beginPath();
    for (let i = i0; i < i1; i++) {
      if ((cs[i] as number) >= (os[i] as number) !== up) continue;
      const v = vs[i] as number;
      if (!(v > 0)) continue;
      const y = Math.min(base - 1, Math.round(u.valToPos(v, 'vol', true)));
      ctx.rect(snapLeft(u.valToPos(xs[i] as number, 'x', true), body), y, body, base - y);
    }
    ctx.fill();
  }

  function candlePass(
    u: uPlot,
    ctx: CanvasRenderingContext2D,
    up: boolean,
    i0: number,
    i1: number,
    body: number,
    wick: number,
  ) {
    ctx.fillStyle = up ? theme.up : theme.down;
    ctx.beginPath();
    const inset = (body - wick) / 2;
    for (let i = i0; i < i1; i++) {
      const o = os[i] as number;
      const c = cs[i] as number;
      if (c >= o !== up) continue;
      const wl = snapLeft(u.valToPos(xs[i] as number, 'x', true), wick);
      const yh = u.valToPos(hs[i] as number, 'y', true);
      const yl = u.valToPos(ls[i] as number, 'y', true);
      const yo = u.valToPos(o, 'y', true);
      const yc = u.valToPos(c, 'y', true);
      ctx.rect(wl, spanTop(yh, yl), wick, spanHeight(yh, yl, wick));
      ctx.rect(wl - inset, spanTop(yo, yc), body, spanHeight(yo, yc, wick));
    }
    ctx.fill();
  }

  function drawLastPrice(u: uPlot, ctx: CanvasRenderingContext2D, wick: number) {
    const close = cs[n - 1] as number;
    const open = os[n - 1] as number;
    if (!Number.isFinite(close)) return;
    const { left, top, width, height } = u.bbox;
    const y = u.valToPos(close, 'y', true);
    if (!(y >= top && y <= top + height)) return;
    const pr = prCached;
    const color = close >= open ? theme.up : theme.down;
    const yLine = Math.round(y) + (wick % 2) / 2;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.globalAlpha = 0.75;
    ctx.strokeStyle = color;
    ctx.lineWidth = wick;
    ctx.setLineDash(dash);
    ctx.beginPath();
    ctx.moveTo(left, yLine);
    ctx.lineTo(left + width, yLine);
    ctx.stroke();
    ctx.restore();

    // The tag covers the y axis at the last price, like the axis labels but on the candle's colour.
    ctx.save();
    const tagH = Math.round(17 * pr);
    const tagX = left + width;
    const tagY = Math.round(y - tagH / 2);
    ctx.fillStyle = color;
    ctx.fillRect(tagX, tagY, ctx.canvas.width - tagX, tagH);
    ctx.fillStyle = theme.tagText;
    ctx.font = tagFont;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(formatPrice(close, pd), tagX + (Y_TICK + Y_GAP) * pr, tagY + tagH / 2);
    ctx.restore();
  }

  /** Open orders as lines with a tag at the left edge; fills as triangles on their candle. */
  function drawOverlay(u: uPlot, ctx: CanvasRenderingContext2D, wick: number) {
    if (overlay.lines.length === 0 && overlay.fills.length === 0) return;
    const { left, top, width, height } = u.bbox;
    const pr = prCached;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.font = tagFont;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    const tagH = Math.round(15 * pr);
    const padX = Math.round(4 * pr);
    for (const line of overlay.lines) {
      const y = u.valToPos(line.price, 'y', true);
      if (!(y >= top && y <= top + height)) continue;
      const color = line.side === 'buy' ? theme.up : theme.down;
      const yLine = Math.round(y) + (wick % 2) / 2;
      ctx.globalAlpha = 0.9;
      ctx.strokeStyle = color;
      ctx.lineWidth = wick;
      ctx.setLineDash(line.kind === 'trigger' ? triggerDash : []);
      ctx.beginPath();
      ctx.moveTo(left, yLine);
      ctx.lineTo(left + width, yLine);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
      const tw = Math.ceil(ctx.measureText(line.label).width) + 2 * padX;
      // The tag stays whole inside the plot even when its line runs along the top or bottom edge.
      const ty = Math.round(Math.min(Math.max(y - tagH / 2, top), top + height - tagH));
      ctx.fillStyle = color;
      ctx.fillRect(left, ty, tw, tagH);
      ctx.fillStyle = theme.tagText;
      ctx.fillText(line.label, left + padX, ty + tagH / 2);
    }
    if (overlay.fills.length > 0 && n > 0) {
      const size = Math.round(5 * pr);
      for (const side of ['buy', 'sell'] as const) {
        ctx.fillStyle = side === 'buy' ? theme.up : theme.down;
        ctx.strokeStyle = theme.tagText;
        ctx.lineWidth = Math.max(1, Math.round(pr));
        ctx.beginPath();
        for (const f of overlay.fills) {
          if (f.side !== side) continue;
          const i = candleIndexAt(xs, n, f.time / 1000, interval);
          if (i < 0) continue;
          const x = Math.round(u.valToPos(xs[i] as number, 'x', true));
          const y = Math.round(u.valToPos(f.price, 'y', true));
          if (y < top || y > top + height) continue;
          // The apex touches the fill price: a buy points up from below, a sell down from above.
          const d = side === 'buy' ? 1 : -1;
          ctx.moveTo(x, y);
          ctx.lineTo(x - size, y + d * size * 1.6);
          ctx.lineTo(x + size, y + d * size * 1.6);
          ctx.closePath();
        }
        ctx.fill();
        ctx.stroke();
      }
    }
    ctx.restore();
  }

  function draw(u: uPlot) {
    if (n === 0) return;
    const sx = u.scales.x;
    const xMin = sx?.min;
    const xMax = sx?.max;
    if (xMin == null || xMax == null || !(xMax > xMin)) return;
    const { left, top, width, height } = u.bbox;
    if (width <= 0 || height <= 0) return;
    const pr = uPlot.pxRatio;
    syncPxConstants(pr);
    const wick = wickWidth(pr);
    const body = bodyWidth((interval * width) / (xMax - xMin), pr);
    // Candles whose body pokes into view from just outside the range are drawn too (then clipped).
    const i0 = lowerBound(xs, xMin - interval, n);
    const i1 = lowerBound(xs, xMax + interval, n);
    const ctx = u.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.globalAlpha = VOLUME_ALPHA;
    volumePass(u, ctx, true, i0, i1, body, top + height);
    volumePass(u, ctx, false, i0, i1, body, top + height);
    ctx.globalAlpha = 1;
    candlePass(u, ctx, true, i0, i1, body, wick);
    candlePass(u, ctx, false, i0, i1, body, wick);
    ctx.restore();
    drawOverlay(u, ctx, wick);
    drawLastPrice(u, ctx, wick);
  }

  function emitCursor(u: uPlot) {
    const idx = (u.cursor.left ?? -1) >= 0 ? (u.cursor.idx ?? null) : null;
    if (idx === lastIdx) return;
    lastIdx = idx;
    opts.onCursor?.(idx);
  }

  function yAxisSize(_u: uPlot, values: string[] | null): number {
    if (!values) return Math.max(ySize, 56);
    let w = maxTextWidth(values, font);
    if (n > 0) w = Math.max(w, textWidth(formatPrice(cs[n - 1] as number, pd), font));
    // Grow only (until the data or decimals change) so the plot does not shift as prices tick.
    ySize = Math.max(ySize, Math.ceil(w + Y_TICK + Y_GAP + 6));
    return ySize;
  }

  const uOpts: uPlot.Options = {
    width: Math.max(0, Math.floor(el.clientWidth)),
    height: Math.max(0, Math.floor(el.clientHeight)),
    class: 'lyra-candles',
    legend: { show: false },
    // null sides: uPlot pads for edge labels itself.
    padding: [10, null, null, null],
    cursor: {
      x: true,
      y: true,
      points: { show: false },
      drag: { x: true, y: false, setScale: true, dist: 5 },
      bind: {
        // Double-click resets to the full range with our padding (uPlot's own reset has none).
        dblclick: () => () => {
          resetZoom();
          return null;
        },
      },
    },
    scales: {
      x: { time: true, auto: false, range: (_u, min, max) => [min, max] },
      y: { auto: true, range: (_u, min, max) => priceRange(min, max) },
      vol: { auto: true, range: (_u, _min, max) => volumeRange(max) },
    },
    series: [
      {},
      { label: 'Open', scale: 'y', auto: false, paths: noPaths, points: { show: false } },
      { label: 'High', scale: 'y', paths: noPaths, points: { show: false } },
      { label: 'Low', scale: 'y', paths: noPaths, points: { show: false } },
      { label: 'Close', scale: 'y', auto: false, paths: noPaths, points: { show: false } },
      { label: 'Volume', scale: 'vol', paths: noPaths, points: { show: false } },
    ],
    axes: [
      {
        scale: 'x',
        side: 2,
        font,
        stroke: () => theme.text,
        size: X_AXIS_SIZE,
        gap: 4,
        space: 64,
        incrs: () => timeIncrsFor(interval),
        values: (_u, splits, _i, _space, incr) => formatTimeTicks(splits, incr),
        grid: { stroke: () => theme.grid, width: 1 },
        ticks: { stroke: () => theme.grid, width: 1, size: 4 },
      },
      {
        scale: 'y',
        side: 1,
        font,
        stroke: () => theme.text,
        gap: Y_GAP,
        space: 36,
        size: yAxisSize,
        incrs: () => priceIncrs(pd),
        values: (_u, splits) => splits.map((v) => formatPrice(v, pd)),
        grid: { stroke: () => theme.grid, width: 1 },
        ticks: { stroke: () => theme.grid, width: 1, size: Y_TICK },
      },
    ],
    hooks: {
      draw: [draw],
      setCursor: [emitCursor],
      // A completed drag selection zooms x (cursor.drag.setScale); remember it so updates keep the view.
      setSelect: [
        (u) => {
          if (u.select.width > 0) zoomed = true;
        },
      ],
    },
  };

  let dataChanged = false;
  const shell = createPlotShell(
    (u) => {
      if (!dataDirty) return;
      dataDirty = false;
      dataChanged = true;
      const shift = follow;
      follow = 0;
      u.setData(data, false);
      if (n > 0) {
        const sx = u.scales.x;
        if (zoomed && sx?.min != null && sx.max != null) {
          u.setScale('x', { min: sx.min + shift, max: sx.max + shift });
        } else {
          zoomed = false;
          u.setScale('x', fullRange());
        }
      }
    },
    () => {
      if (dataChanged) opts.onData?.();
      dataChanged = false;
    },
  );
  const u = new uPlot(uOpts, data, el);
  shell.attach(u, attachTouchCursor(u));

  function markData() {
    dataDirty = true;
    shell.frame.schedule();
  }

  function resetZoom() {
    zoomed = false;
    follow = 0;
    markData();
  }

  return {
    setData(c, keepZoom = false) {
      const len = Math.min(
        c.time.length,
        c.open.length,
        c.high.length,
        c.low.length,
        c.close.length,
        c.volume.length,
      );
      n = 0;
      if (len > cap) grow(len + 64);
      for (let i = 0; i < len; i++) xs[i] = (c.time[i] as number) / 1000;
      const put = (dst: Float64Array, src: Float64Array) =>
        dst.set(src.length === len ? src : src.subarray(0, len));
      put(os, c.open);
      put(hs, c.high);
      put(ls, c.low);
      put(cs, c.close);
      put(vs, c.volume);
      n = len;
      const step = minStep(xs, n);
      intervalKnown = Number.isFinite(step);
      interval = intervalKnown ? step : FALLBACK_INTERVAL_S;
      refreshViews();
      ySize = 0;
      follow = 0;
      if (zoomed) {
        const sx = u.scales.x;
        const overlaps =
          n > 0 &&
          sx?.min != null &&
          sx.max != null &&
          sx.max > (xs[0] as number) &&
          sx.min < (xs[n - 1] as number);
        zoomed = keepZoom && overlaps;
      }
      markData();
    },

    updateLast(bar) {
      const t = bar[0] / 1000;
      if (!Number.isFinite(t)) return;
      let i: number;
      const last = n > 0 ? (xs[n - 1] as number) : -Infinity;
      if (t === last) i = n - 1;
      else if (t > last) {
        if (n >= cap) grow(n + 1);
        if (zoomed && n > 0) {
          const max = u.scales.x?.max;
          if (max != null && max + follow >= last - interval) follow += t - last;
        }
        i = n++;
        xs[i] = t;
        if (n > 1) {
          const d = t - last;
          if (!intervalKnown || d < interval) interval = d;
          intervalKnown = true;
        }
        refreshViews();
      } else {
        i = lowerBound(xs, t, n);
        if (i >= n || xs[i] !== t) return;
      }
      os[i] = bar[1];
      hs[i] = bar[2];
      ls[i] = bar[3];
      cs[i] = bar[4];
      vs[i] = bar[5];
      markData();
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

    setOverlay(next) {
      if (sameOverlay(overlay, next)) return;
      overlay = next;
      // A redraw without new data: the draw hook reads the overlay.
      shell.invalidateAxes();
    },

    resize: shell.resize,
    destroy: shell.destroy,

    get length() {
      return n;
    },

    get intervalMs() {
      return interval * 1000;
    },

    get zoomed() {
      return zoomed;
    },

    bar(index) {
      if (!(index >= 0 && index < n)) return null;
      return [
        Math.round((xs[index] as number) * 1000),
        os[index] as number,
        hs[index] as number,
        ls[index] as number,
        cs[index] as number,
        vs[index] as number,
      ];
    },

    resetZoom,

    refreshTheme() {
      theme = readTheme(el);
      prCached = 0;
      shell.invalidateAxes();
    },

    priceAt(clientX, clientY) {
      const r = u.over.getBoundingClientRect();
      if (n === 0 || clientX < r.left || clientX > r.right || clientY < r.top || clientY > r.bottom)
        return null;
      const v = u.posToVal(clientY - r.top, 'y');
      return Number.isFinite(v) && v > 0 ? v : null;
    },

    over: u.over,
  };
}
