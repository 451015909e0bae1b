import type uPlot from 'uplot';
import { frameScheduler, type FrameScheduler } from './frame';

/**
 * What every Lyra chart shares around its uPlot: size and axis changes applied at most once per
 * animation frame, together with the chart's own data step, in one uPlot batch (one redraw).
 */
export interface PlotShell {
  readonly frame: FrameScheduler;
  /** Binds the plot once built (its options read chart state, so the shell comes first). */
  attach(u: uPlot, detachInput: () => void): void;
  /** Axes need measuring again (decimals or theme changed). */
  invalidateAxes(): void;
  /** Plot size in CSS pixels, axes included. */
  resize(w: number, h: number): void;
  destroy(): void;
}

/**
 * `update` runs inside the frame's batch after size and axes; `after` runs once the batch has drawn
 * (for callbacks that read what was drawn).
 */
export function createPlotShell(update: (u: uPlot) => void, after?: (u: uPlot) => void): PlotShell {
  let u: uPlot | null = null;
  let detach: () => void = () => {};
  let destroyed = false;
  let axesDirty = false;
  let sizeDirty = false;
  let pendingW = 0;
  let pendingH = 0;

  const frame = frameScheduler(() => {
    const plot = u;
    if (destroyed || !plot) return;
    plot.batch(() => {
      if (sizeDirty) {
        sizeDirty = false;
        plot.setSize({ width: pendingW, height: pendingH });
      }
      if (axesDirty) {
        axesDirty = false;
        plot.redraw(false, true);
      }
      update(plot);
    });
    after?.(plot);
  });

  return {
    frame,
    attach(plot, detachInput) {
      u = plot;
      detach = detachInput;
    },
    invalidateAxes() {
      axesDirty = true;
      frame.schedule();
    },
    resize(w, h) {
      if (!u) return;
      const width = Math.max(0, Math.floor(w));
      const height = Math.max(0, Math.floor(h));
      if (width === (sizeDirty ? pendingW : u.width) && height === (sizeDirty ? pendingH : u.height)) return;
      pendingW = width;
      pendingH = height;
      sizeDirty = true;
      // Resize observers fire once per frame before paint: draw now so no stretched frame is shown.
      frame.schedule();
      frame.flush();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      frame.cancel();
      detach();
      u?.destroy();
    },
  };
}
