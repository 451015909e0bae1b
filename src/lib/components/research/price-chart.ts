import uPlot from 'uplot';
import { maxTextWidth } from '$lib/charts/measure';
import { createPlotShell } from '$lib/charts/plot-shell';
import { AXIS_FONT_PX, readTheme } from '$lib/charts/theme';
import { TIME_INCRS, formatTimeTicks } from '$lib/charts/time-ticks';
import { attachTouchCursor } from '$lib/charts/touch';

/** A named line over time, drawn in its colour; NaN where it is not defined (an indicator's warm-up). */
export interface PriceLine {
  name: string;
  color: string;
}

export interface PriceChart {
  /** Times in epoch ms and one array of values per line, in the order the lines were given. */
  setData(times: Float64Array, values: readonly Float64Array[]): void;
  resize(w: number, h: number): void;
  destroy(): void;
}

const Y_TICK = 4;
const Y_GAP = 6;

/**
 * The close with the strategy's overlays (moving averages, channels) in one uPlot: x in Unix seconds,
 * local-time ticks, gaps where an overlay is not yet defined. The lines are fixed when the chart is
 * made (a different set of overlays makes a new chart); data is replaced in the shell's one redraw per
 * frame.
 */
export function createPriceChart(
  el: HTMLElement,
  opts: {
    lines: readonly PriceLine[];
    format: (v: number) => string;
    onCursor?: (i: number | null) => void;
  },
): PriceChart {
  const theme = readTheme(el);
  const font = `${AXIS_FONT_PX}px ${theme.fontFamily}`;
  let ySize = 0;
  let lastIdx: number | null = null;
  let pending: { times: Float64Array; values: readonly Float64Array[] } | null = null;

  function yAxisSize(_u: uPlot, values: string[] | null): number {
    if (!values) return Math.max(ySize, 48);
    ySize = Math.max(ySize, Math.ceil(maxTextWidth(values, font) + Y_TICK + Y_GAP + 6));
    return ySize;
  }

  const u = new uPlot(
    {
      width: Math.max(0, Math.floor(el.clientWidth)),
      height: Math.max(0, Math.floor(el.clientHeight)),
      class: 'lyra-price',
      legend: { show: false },
      padding: [10, null, null, null],
      cursor: {
        x: true,
        y: false,
        points: { show: false },
        drag: { x: false, y: false, setScale: false },
        bind: { dblclick: () => null },
      },
      scales: { x: { time: true }, y: { auto: true } },
      series: [
        {},
        ...opts.lines.map((l, i) => ({
          label: l.name,
          stroke: l.color,
          width: i === 0 ? 1.25 : 1.5,
          spanGaps: false,
        })),
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
          values: (_u, splits) => splits.map((v) => opts.format(v)),
          grid: { stroke: () => theme.grid, width: 1 },
          ticks: { stroke: () => theme.grid, width: 1, size: Y_TICK },
        },
      ],
      hooks: {
        setCursor: [
          (plot) => {
            const idx = plot.cursor.idx ?? null;
            if (idx === lastIdx) return;
            lastIdx = idx;
            opts.onCursor?.(idx);
          },
        ],
      },
    },
    [new Float64Array(0), ...opts.lines.map(() => new Float64Array(0))] as uPlot.AlignedData,
    el,
  );

  const shell = createPlotShell((plot) => {
    if (!pending) return;
    const { times, values } = pending;
    pending = null;
    const xs = new Float64Array(times.length);
    for (let i = 0; i < times.length; i++) xs[i] = (times[i] as number) / 1000;
    ySize = 0;
    // uPlot reads null as a gap; a NaN (an indicator's warm-up) would poison the y range instead.
    const lines = opts.lines.map((_, i) => {
      const v = values[i];
      const out = new Array<number | null>(times.length);
      for (let k = 0; k < times.length; k++) {
        const y = v?.[k];
        out[k] = y !== undefined && Number.isFinite(y) ? y : null;
      }
      return out;
    });
    plot.setData([xs, ...lines] as uPlot.AlignedData);
  });
  shell.attach(u, attachTouchCursor(u));

  return {
    setData(times, values) {
      pending = { times, values };
      shell.frame.schedule();
    },
    resize: shell.resize,
    destroy: shell.destroy,
  };
}
