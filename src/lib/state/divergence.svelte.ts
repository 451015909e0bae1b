import { engine, toEngineError } from '$lib/engine/engine';
import type { DivergenceReport, EngineError } from '$workers/api';

/**
 * The "Live vs paper" report, asked of the engine every few seconds while a view shows it: twins move
 * with the market, not with the snapshot, so polling is simpler than another event stream.
 */
class DivergenceState {
  report = $state.raw<DivergenceReport | null>(null);
  error = $state<EngineError | null>(null);
  loading = $derived(this.report === null && this.error === null);
  private viewers = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  /** Starts polling for one visible view; the returned function stops it when the view goes away. */
  watch(periodMs = 3000): () => void {
    this.viewers++;
    if (this.viewers === 1) {
      void this.refresh();
      this.timer = setInterval(() => {
        // A background tab does not need fresh numbers.
        if (typeof document === 'undefined' || document.visibilityState === 'visible') void this.refresh();
      }, periodMs);
    }
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      this.viewers--;
      if (this.viewers === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  async refresh(): Promise<void> {
    try {
      this.report = await engine().trading.divergence();
      this.error = null;
    } catch (e) {
      this.error = toEngineError(e);
    }
  }
}

export const divergenceState = new DivergenceState();
