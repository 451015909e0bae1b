import uPlot from 'uplot';
import { formatCompact } from './format';
import { maxTextWidth, normalizeColor } from './measure';
import { createPlotShell } from './plot-shell';
import { AXIS_FONT_PX, readTheme, withAlpha, type ChartTheme } from './theme';
import { attachTouchCursor } from './touch';

/** Percentile bands of equity per step across Monte Carlo runs, and the capital they started from. */
export interface FanSeries {
  step: Float64Array;
  p5: Float64Array;
  p25: Float64Array;
  p50: Float64Array;
  p75: Float64Array;
  p95: Float64Array;
  capital: number;
}

export interface FanChartOptions {
  /** Index of the point under the cursor, or null when it leaves. Called only when it changes. */
  onCursor?: (index: number | null) => void;
}

export interface FanChart {
  /** Columns are copied: the caller keeps its arrays. */
  setData(fan: FanSeries): void;
  resize(w: number, h: number): void;
  destroy(): void;
  refreshTheme(): void;
}

const OUTER_ALPHA = 0.16;
const INNER_ALPHA = 0.32;
const Y_TICK = 4;
const Y_GAP = 6;

// Series order in the plot: x, p95, p75, p50, p25, p5, capital. Bands pair a high series with a low one.
const S_P95 = 1;
const S_P75 = 2;
const S_P25 = 4;
const S_P5 = 5;

function paletteFor(theme: ChartTheme, el: Element) {
  const accent =
    (typeof getComputedStyle === 'function' && getComputedStyle(el).getPropertyValue('--accent').trim()) ||
    '#6ea8fe';
  const c = normalizeColor(accent);
  return {
    median: accent,
    outer: withAlpha(c, OUTER_ALPHA) ?? 'rgba(110, 168, 254, 0.16)',
    inner: withAlpha(c, INNER_ALPHA) ?? 'rgba(110, 168, 254, 0.32)',
    edge: withAlpha(c, 0.5) ?? 'rgba(110, 168, 254, 0.5)',
    capital: theme.text,
  };
}

/**
 * A Monte Carlo fan in uPlot: the 5-95 and 25-75 percentile bands filled, the median drawn, and the
 * starting capital as a dashed reference line. x is the step (trade or bar number), not time.
 */
export function createFanChart(el: HTMLElement, opts: FanChartOptions): FanChart {
  let theme = readTheme(el);
  let pal = paletteFor(theme, el);
  const font = `${AXIS_FONT_PX}px ${theme.fontFamily}`;
  let data: uPlot.AlignedData = [[], [], [], [], [], [], []];
  let pending: FanSeries | null = null;
  let ySize = 0;
  let lastIdx: number | null = null;

  function yAxisSize(_u: uPlot, values: string[] | null): number {
    if (!values) return Math.max(ySize, 48);
    ySize = Math.max(ySize, Math.ceil(maxTextWidth(values, font) + Y_TICK + Y_GAP + 6));
    return ySize;
  }

  const edge = (label: string): uPlot.Series => ({
    label,
    scale: 'y',
    stroke: () => pal.edge,
    width: 1,
    points: { show: false },
  });

  const uOpts: uPlot.Options = {
    width: Math.max(0, Math.floor(el.clientWidth)),
    height: Math.max(0, Math.floor(el.clientHeight)),
    class: 'lyra-fan',
    legend: { show: false },
    padding: [10, null, null, null],
    cursor: {
      x: true,
      y: false,
      points: { show: false },
      drag: { x: false, y: false, setScale: false },
      bind: { dblclick: () => null },
    },
    scales: {
      x: { time: false },
      y: {
        auto: true,
        range: (_u, min, max) => {
          if (min == null || max == null) return [0, 1];
          let lo = min;
          let hi = max;
          if (hi === lo) {
            const pad = Math.abs(hi) * 0.01 || 1;
            lo -= pad;
            hi += pad;
          }
          const pad = (hi - lo) * 0.06;
          return [lo - pad, hi + pad];
        },
      },
    },
    series: [
      {},
      edge('95th percentile'),
      edge('75th percentile'),
      { label: 'Median', scale: 'y', stroke: () => pal.median, width: 2, points: { show: false } },
      edge('25th percentile'),
      edge('5th percentile'),
      {
        label: 'Starting capital',
        scale: 'y',
        stroke: () => pal.capital,
        width: 1,
        dash: [4, 4],
        points: { show: false },
      },
    ],
    bands: [
      { series: [S_P95, S_P5], fill: () => pal.outer },
      { series: [S_P75, S_P25], fill: () => pal.inner },
    ],
    axes: [
      {
        scale: 'x',
        side: 2,
        font,
        stroke: () => theme.text,
        size: 26,
        gap: 4,
        space: 60,
        incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6],
        values: (_u, splits) => splits.map((v) => formatCompact(v)),
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
        values: (_u, splits) => splits.map((v) => formatCompact(v)),
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
    const f = pending;
    pending = null;
    const copy = (a: Float64Array) => Float64Array.from(a);
    data = [
      copy(f.step),
      copy(f.p95),
      copy(f.p75),
      copy(f.p50),
      copy(f.p25),
      copy(f.p5),
      new Float64Array(f.step.length).fill(f.capital),
    ];
    ySize = 0;
    u.setData(data);
  });
  const u = new uPlot(uOpts, data, el);
  shell.attach(u, attachTouchCursor(u));

  return {
    setData(fan) {
      pending = fan;
      shell.frame.schedule();
    },
    resize: shell.resize,
    destroy: shell.destroy,
    refreshTheme() {
      theme = readTheme(el);
      pal = paletteFor(theme, el);
      shell.invalidateAxes();
    },
  };
}
