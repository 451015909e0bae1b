import uPlot from 'uplot';
import { maxTextWidth, normalizeColor } from './measure';
import { createPlotShell } from './plot-shell';
import { AXIS_FONT_PX, FALLBACK_THEME, readTheme, withAlpha, type ChartTheme } from './theme';
import { formatTimeTicks, TIME_INCRS } from './time-ticks';
import { attachTouchCursor } from './touch';

export interface LineChartOptions {
  /** Which palette colour the line uses: the accent (equity) or the down colour (drawdown). */
  tone: 'accent' | 'down';
  /** Readout text for a value. */
  format: (v: number) => string;
  /** Axis text for a tick, given the step between ticks (so small steps get enough decimals); `format` if absent. */
  axisFormat?: (v: number, incr: number) => string;
  /** Fill between the line and zero (drawdown) rather than under the line to the bottom. */
  fillToZero?: boolean;
  /** Index of the point under the cursor, or null when it leaves. Called only when it changes. */
  onCursor?: (index: number | null) => void;
}

export interface LineChart {
  /** Times in epoch ms and values; copied (the caller keeps its arrays). */
  setData(times: Float64Array, values: Float64Array): void;
  resize(w: number, h: number): void;
  destroy(): void;
  refreshTheme(): void;
}

const FILL_ALPHA = 0.14;
const Y_TICK = 4;
const Y_GAP = 6;

function colorsFor(theme: ChartTheme, el: Element, tone: LineChartOptions['tone']) {
  const accent =
    (typeof getComputedStyle === 'function' && getComputedStyle(el).getPropertyValue('--accent').trim()) ||
    '#6ea8fe';
  const stroke = tone === 'down' ? theme.down : accent;
  const fill =
    withAlpha(normalizeColor(stroke), FILL_ALPHA) ??
    (withAlpha(tone === 'down' ? FALLBACK_THEME.down : '#6ea8fe', FILL_ALPHA) as string);
  return { stroke, fill };
}

/**
 * One series over time (equity, drawdown) in uPlot: x in Unix seconds, local-time ticks, one redraw
 * per frame through the shared plot shell, a touch cursor that leaves vertical scrolling to the page.
 */
export function createLineChart(el: HTMLElement, opts: LineChartOptions): LineChart {
  let theme = readTheme(el);
  let colors = colorsFor(theme, el, opts.tone);
  const font = `${AXIS_FONT_PX}px ${theme.fontFamily}`;
  let xs = new Float64Array(0);
  let ys = new Float64Array(0);
  let pending: { t: Float64Array; v: Float64Array } | null = null;
  let ySize = 0;
  let lastIdx: number | null = null;

  function yAxisSize(_u: uPlot, values: string[] | null): number {
    if (!values) return Math.max(ySize, 48);
    ySize = Math.max(ySize, Math.ceil(maxTextWidth(values, font) + Y_TICK + Y_GAP + 6));
    return ySize;
  }

  const uOpts: uPlot.Options = {
    width: Math.max(0, Math.floor(el.clientWidth)),
    height: Math.max(0, Math.floor(el.clientHeight)),
    class: 'lyra-line',
    legend: { show: false },
    padding: [10, null, null, null],
    cursor: {
      x: true,
      y: false,
      points: { show: true, size: 7 },
      drag: { x: false, y: false, setScale: false },
      bind: { dblclick: () => null },
    },
    scales: {
      x: { time: true },
      y: {
        auto: true,
        range: (_u, min, max) => {
          if (min == null || max == null) return [0, 1];
          let lo = opts.fillToZero ? Math.min(min, 0) : min;
          let hi = opts.fillToZero ? Math.max(max, 0) : max;
          if (hi === lo) {
            const pad = Math.abs(hi) * 0.01 || 1;
            lo -= pad;
            hi += pad;
          }
          const pad = (hi - lo) * 0.08;
          return [opts.fillToZero && lo === 0 ? 0 : lo - pad, opts.fillToZero && hi === 0 ? 0 : hi + pad];
        },
      },
    },
    series: [
      {},
      {
        label: 'Value',
        scale: 'y',
        stroke: () => colors.stroke,
        fill: () => colors.fill,
        fillTo: opts.fillToZero ? 0 : undefined,
        width: 1.5,
        points: { show: (u) => u.data[0].length < 3 },
        spanGaps: false,
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
        space: 70,
        incrs: TIME_INCRS,
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
        space: 30,
        size: yAxisSize,
        values: (_u, splits, _i, _space, incr) =>
          splits.map((v) => (opts.axisFormat ? opts.axisFormat(v, incr) : opts.format(v))),
        grid: { stroke: () => theme.grid, width: 1 },
        ticks: { stroke: () => theme.grid, width: 1, size: Y_TICK },
      },
    ],
    hooks: {
      setCursor: [
        (u) => {
          const idx = u.cursor.idx ?? null;
          if (idx === lastIdx) return;
          lastIdx = idx;
          opts.onCursor?.(idx);
        },
      ],
    },
  };

  const shell = createPlotShell((u) => {
    if (!pending) return;
    const { t, v } = pending;
    pending = null;
    xs = new Float64Array(t.length);
    ys = new Float64Array(v.length);
    for (let i = 0; i < t.length; i++) xs[i] = (t[i] as number) / 1000;
    ys.set(v);
    ySize = 0;
    u.setData([xs, ys]);
  });
  const u = new uPlot(uOpts, [xs, ys], el);
  shell.attach(u, attachTouchCursor(u));

  return {
    setData(times, values) {
      pending = { t: times, v: values };
      shell.frame.schedule();
    },
    resize: shell.resize,
    destroy: shell.destroy,
    refreshTheme() {
      theme = readTheme(el);
      colors = colorsFor(theme, el, opts.tone);
      shell.invalidateAxes();
    },
  };
}
