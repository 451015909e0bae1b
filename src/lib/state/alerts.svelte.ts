import { engine, toEngineError } from '$lib/engine/engine';
import type {
  AlertDraft,
  AlertFiringView,
  AlertPatch,
  AlertView,
  EngineError,
  HistoryQuery,
  RemovedAlert,
} from '$workers/api';
import { KeyedActions, type Outcome } from './keyed-actions.svelte';

const SOUND_KEY = 'lyra.alerts.sound';
/** Toasts shown at once; older ones give way. */
const MAX_TOASTS = 4;
const HISTORY_PAGE = 50;

export type NotificationAccess = 'granted' | 'denied' | 'default' | 'unsupported';

type FiredHook = (firing: AlertFiringView) => void;

function notificationAccess(): NotificationAccess {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.permission;
}

/**
 * Alerts as the page sees them: the list, the history and fired events, fed by the engine's alert
 * events. Started by the layout on every screen, so firings reach the trader wherever they are.
 */
class AlertsState {
  started = $state(false);
  loading = $state(true);
  loadError = $state<EngineError | null>(null);
  alerts = $state.raw<AlertView[]>([]);
  history = $state.raw<AlertFiringView[]>([]);
  historyTotal = $state(0);
  historyQuery = $state.raw<HistoryQuery>({ limit: HISTORY_PAGE });
  historyLoading = $state(false);
  historyError = $state<EngineError | null>(null);
  /** Firings not yet dismissed, newest last. */
  toasts = $state.raw<AlertFiringView[]>([]);
  /** The last deleted alert, while its undo is offered. */
  removed = $state.raw<RemovedAlert | null>(null);
  sound = $state(true);
  notifications = $state<NotificationAccess>('unsupported');
  readonly actions = new KeyedActions();

  private hooks = new Set<FiredHook>();
  private unsubscribe: (() => void) | null = null;

  start(): void {
    if (this.started || typeof window === 'undefined') return;
    this.started = true;
    this.sound = localStorage.getItem(SOUND_KEY) !== 'off';
    this.notifications = notificationAccess();
    void this.connect();
  }

  private async connect(): Promise<void> {
    try {
      const alerts = engine().alerts;
      this.unsubscribe = await alerts.subscribe((e) => {
        if (e.type === 'changed') this.alerts = e.alerts;
        else this.fired(e.firing);
      });
      await this.reload();
    } catch (e) {
      this.loadError = toEngineError(e);
      this.loading = false;
    }
  }

  async reload(): Promise<void> {
    this.loadError = null;
    try {
      this.alerts = await engine().alerts.list();
    } catch (e) {
      this.loadError = toEngineError(e);
    } finally {
      this.loading = false;
    }
    await this.loadHistory();
  }

  async loadHistory(query: HistoryQuery = this.historyQuery): Promise<void> {
    this.historyQuery = query;
    this.historyLoading = true;
    this.historyError = null;
    try {
      const page = await engine().alerts.history(query);
      this.history = page.firings;
      this.historyTotal = page.total;
    } catch (e) {
      this.historyError = toEngineError(e);
    } finally {
      this.historyLoading = false;
    }
  }

  /** Calls `hook` for every firing (sound, system notification); returns the unregister. */
  onFired(hook: FiredHook): () => void {
    this.hooks.add(hook);
    return () => void this.hooks.delete(hook);
  }

  private fired(firing: AlertFiringView): void {
    if (this.toasts.some((t) => t.id === firing.id)) return;
    this.toasts = [...this.toasts, firing].slice(-MAX_TOASTS);
    for (const h of this.hooks) h(firing);
    // The history shows the newest first: on its first page a new firing goes in at the top.
    if ((this.historyQuery.offset ?? 0) === 0) void this.loadHistory();
  }

  dismissToast(id: string): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  create(draft: AlertDraft): Promise<Outcome<AlertView>> {
    return this.actions.run('create', async () => {
      const view = await engine().alerts.create(draft);
      this.upsert(view);
      return view;
    });
  }

  update(id: string, patch: AlertPatch, key = `update:${id}`): Promise<Outcome<AlertView>> {
    return this.actions.run(key, async () => {
      const view = await engine().alerts.update(id, patch);
      this.upsert(view);
      return view;
    });
  }

  snooze(id: string, until: number | null): Promise<Outcome<AlertView>> {
    return this.update(id, { snoozedUntil: until }, `snooze:${id}`);
  }

  setEnabled(id: string, enabled: boolean): Promise<Outcome<AlertView>> {
    return this.update(id, { enabled }, `enable:${id}`);
  }

  remove(id: string): Promise<Outcome<RemovedAlert>> {
    return this.actions.run(`remove:${id}`, async () => {
      const removed = await engine().alerts.remove(id);
      this.alerts = this.alerts.filter((a) => a.spec.id !== id);
      this.removed = removed;
      return removed;
    });
  }

  undoRemove(): Promise<Outcome<AlertView>> {
    const removed = this.removed;
    return this.actions.run('undo', async () => {
      if (!removed) throw { code: 'nothing-to-undo', message: 'Nothing to undo.', retryable: false };
      const view = await engine().alerts.restore(removed);
      this.removed = null;
      this.upsert(view);
      return view;
    });
  }

  forgetRemoved(): void {
    this.removed = null;
  }

  clearHistory(alertId: string | null = null): Promise<Outcome<number>> {
    return this.actions.run('clear-history', async () => {
      const n = await engine().alerts.clearHistory(alertId);
      await this.loadHistory({ ...this.historyQuery, offset: 0 });
      return n;
    });
  }

  currentPrice(symbol: string): Promise<Outcome<number | null>> {
    return this.actions.run('price', () => engine().alerts.currentPrice(symbol));
  }

  setSound(on: boolean): void {
    this.sound = on;
    localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  }

  /** Asks the browser for permission to show notifications (only from a click). */
  async requestNotifications(): Promise<void> {
    if (typeof Notification === 'undefined') return;
    try {
      this.notifications = await Notification.requestPermission();
    } catch {
      this.notifications = notificationAccess();
    }
  }

  refreshNotificationAccess(): void {
    this.notifications = notificationAccess();
  }

  private upsert(view: AlertView): void {
    const rest = this.alerts.filter((a) => a.spec.id !== view.spec.id);
    this.alerts = [view, ...rest].sort((a, b) => b.spec.createdAt - a.spec.createdAt);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.started = false;
  }
}

export const alertsState = new AlertsState();
