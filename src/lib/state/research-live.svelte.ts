import { engine, toEngineError } from '$lib/engine/engine';
import { KeyedActions, type Outcome } from './keyed-actions.svelte';
import type { EngineError, StrategyComparison, StrategyRunRequest, StrategyRunView } from '$workers/api';

/**
 * Strategies running live in the trading worker, as the backtest screen lists them: the engine pushes
 * the whole list on every change, and each run's stop and comparison keep their own pending flag and
 * error (`stop:<id>`, `compare:<id>`).
 */
export class LiveRunsState {
  runs = $state.raw<StrategyRunView[] | null>(null);
  subscribeError = $state.raw<EngineError | null>(null);
  comparisons = $state.raw<Readonly<Record<string, StrategyComparison>>>({});
  private readonly actions = new KeyedActions();
  private detach: (() => void) | null = null;
  private users = 0;

  isPending(key: string): boolean {
    return this.actions.isPending(key);
  }

  error(key: string): EngineError | null {
    return this.actions.error(key);
  }

  clearError(key: string): void {
    this.actions.clearError(key);
  }

  /** Listens while a screen shows the runs; returns the release for its cleanup. */
  attach(): () => void {
    this.users++;
    if (this.users === 1) void this.subscribe();
    return () => {
      this.users--;
      if (this.users === 0) {
        this.detach?.();
        this.detach = null;
      }
    };
  }

  private async subscribe(): Promise<void> {
    try {
      const off = await engine().strategies.subscribe((e) => {
        if (e.type === 'runs') this.runs = e.runs;
      });
      // The screen may have gone while the subscription was being made.
      if (this.users === 0) off();
      else this.detach = off;
      this.subscribeError = null;
      if (this.runs === null) this.runs = await engine().strategies.runs();
    } catch (e) {
      this.subscribeError = toEngineError(e);
      this.runs ??= [];
    }
  }

  start(request: StrategyRunRequest): Promise<Outcome<{ id: string }>> {
    return this.actions.run('start', () => engine().strategies.start(request));
  }

  async stop(id: string): Promise<void> {
    await this.actions.run(`stop:${id}`, () => engine().strategies.stop(id));
  }

  async compare(id: string): Promise<void> {
    const r = await this.actions.run(`compare:${id}`, () => engine().strategies.compare(id));
    if (r.ok) this.comparisons = { ...this.comparisons, [id]: r.value };
  }

  closeComparison(id: string): void {
    const next = { ...this.comparisons };
    delete next[id];
    this.comparisons = next;
  }
}

export const liveRuns = new LiveRunsState();
