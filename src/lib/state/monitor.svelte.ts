import { engine, toEngineError } from '$lib/engine/engine';
import type { EngineError, HistogramSnapshot, MonitorSnapshot } from '$workers/api';
import { LatestSubscription } from '$lib/components/monitor/latest-subscription';
import { TickToPaint } from '$workers/monitor/tick-to-paint';

/** One long main-thread task (over 50 ms) as the browser reported it. */
export interface LongTask {
  /** Epoch ms when it started. */
  at: number;
  duration: number;
  name: string;
}

export interface LongTaskSummary {
  count: number;
  totalMs: number;
  worstMs: number;
}

export interface ServerHealth {
  state: 'ok' | 'error' | 'offline';
  version: string | null;
  database: string | null;
  uptimeSeconds: number | null;
  /** Round trip of the /healthz call, ms. */
  latencyMs: number | null;
  checkedAt: number;
  /** Why it is not ok, in words. */
  problem: string | null;
}

const minuteMs = 60_000;
/** Enough for a minute of a badly stalling page; older ones fall out first. */
const keptTasks = 500;
const healthEveryMs = 5_000;
const healthTimeoutMs = 4_000;

/** The epoch clock the engine stamps batches with (performance.timeOrigin + performance.now()). */
const epochNow = () => performance.timeOrigin + performance.now();

/**
 * Page-side health figures and the engine's, for the Monitor screen. Counting (long tasks, tick-to-paint)
 * starts when the layout attaches, on every screen; the screen opens a live view that subscribes to the
 * engine and polls the server only while it is shown. Samples go into plain structures; runes change at
 * most once a second, so watching the page never costs the page a long task.
 */
class MonitorState {
  attached = $state(false);
  /** The live view is open (the Monitor screen is shown). */
  open = $state(false);
  engine = $state.raw<MonitorSnapshot | null>(null);
  engineError = $state.raw<EngineError | null>(null);
  tickToPaint = $state.raw<HistogramSnapshot | null>(null);
  longTasks = $state.raw<LongTask[]>([]);
  longTaskSummary = $state.raw<LongTaskSummary>({ count: 0, totalMs: 0, worstMs: 0 });
  longTasksSupported = $state(true);
  health = $state.raw<ServerHealth | null>(null);

  private readonly paint = new TickToPaint({
    now: epochNow,
    requestFrame: (cb) => void requestAnimationFrame(cb),
    hidden: () => document.visibilityState !== 'visible',
  });
  private readonly tasks: LongTask[] = [];
  private readonly engineFeed = new LatestSubscription();
  private timers: Array<ReturnType<typeof setInterval>> = [];

  attach(): void {
    if (this.attached || typeof window === 'undefined') return;
    this.attached = true;
    document.addEventListener('visibilitychange', () => this.paint.visibilityChanged());
    this.observeLongTasks();
  }

  /** The market state applied a batch the engine stamped at `sentAt`: its latency runs to the next frame. */
  batchApplied(sentAt: number | undefined): void {
    if (sentAt === undefined || typeof requestAnimationFrame === 'undefined') return;
    this.paint.batchApplied(sentAt);
  }

  /** Starts the live view: engine snapshots each second, page figures each second, the server's health. */
  async start(): Promise<void> {
    if (this.open) return;
    this.open = true;
    this.publishPage();
    this.timers.push(setInterval(() => this.publishPage(), 1_000));
    void this.checkHealth();
    this.timers.push(setInterval(() => void this.checkHealth(), healthEveryMs));
    try {
      await this.engineFeed.open(() =>
        engine().monitor.subscribe((s) => {
          this.engine = s;
          this.engineError = null;
        }),
      );
    } catch (e) {
      this.engineError = toEngineError(e);
    }
  }

  stop(): void {
    this.open = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.engineFeed.end();
  }

  async checkHealth(): Promise<void> {
    const started = performance.now();
    const checkedAt = Date.now();
    if (!navigator.onLine) {
      this.health = { ...this.emptyHealth(checkedAt), state: 'offline', problem: 'This device is offline.' };
      return;
    }
    try {
      const res = await fetch('/healthz', {
        cache: 'no-store',
        signal: AbortSignal.timeout(healthTimeoutMs),
      });
      const latencyMs = performance.now() - started;
      const body = (await res.json().catch(() => null)) as {
        status?: string;
        version?: string;
        database?: string;
        uptimeSeconds?: number;
      } | null;
      const ok = res.ok && body?.status === 'ok';
      this.health = {
        state: ok ? 'ok' : 'error',
        version: typeof body?.version === 'string' ? body.version : null,
        database: typeof body?.database === 'string' ? body.database : null,
        uptimeSeconds: typeof body?.uptimeSeconds === 'number' ? body.uptimeSeconds : null,
        latencyMs,
        checkedAt,
        problem: ok
          ? null
          : `The server answered HTTP ${res.status}${body?.status ? ` (${body.status})` : ''}.`,
      };
    } catch (e) {
      const timedOut = e instanceof DOMException && e.name === 'TimeoutError';
      this.health = {
        ...this.emptyHealth(checkedAt),
        state: 'offline',
        problem: timedOut
          ? `The server did not answer within ${healthTimeoutMs / 1000} s.`
          : 'The server cannot be reached.',
      };
    }
  }

  private emptyHealth(checkedAt: number): ServerHealth {
    return {
      state: 'offline',
      version: null,
      database: null,
      uptimeSeconds: null,
      latencyMs: null,
      checkedAt,
      problem: null,
    };
  }

  private publishPage(): void {
    this.tickToPaint = this.paint.snapshot();
    const since = Date.now() - minuteMs;
    let count = 0;
    let totalMs = 0;
    let worstMs = 0;
    for (const t of this.tasks) {
      if (t.at < since) continue;
      count++;
      totalMs += t.duration;
      if (t.duration > worstMs) worstMs = t.duration;
    }
    this.longTaskSummary = { count, totalMs, worstMs };
    // The newest few; a list that never scrolls stays readable on a phone.
    this.longTasks = this.tasks.slice(-8).reverse();
  }

  private observeLongTasks(): void {
    const supported =
      typeof PerformanceObserver !== 'undefined' &&
      (PerformanceObserver.supportedEntryTypes ?? []).includes('longtask');
    this.longTasksSupported = supported;
    if (!supported) return;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        this.tasks.push({
          at: performance.timeOrigin + e.startTime,
          duration: e.duration,
          name: e.name,
        });
      }
      const since = Date.now() - minuteMs;
      let drop = Math.max(0, this.tasks.length - keptTasks);
      while (drop < this.tasks.length && this.tasks[drop]!.at < since) drop++;
      if (drop > 0) this.tasks.splice(0, drop);
    }).observe({ type: 'longtask', buffered: true });
  }
}

export const monitorState = new MonitorState();
