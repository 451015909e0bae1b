import { engine, toEngineError } from '$lib/engine/engine';
import { KeyedActions, type Outcome } from './keyed-actions.svelte';
import type {
  AuditEntry,
  AuditFilter,
  EngineError,
  OrderPreview,
  PaperSettings,
  PlaceRequest,
  RiskLimits,
  SizingRequest,
  SizingResult,
  TradingAccountChoice,
  TradingEvent,
  TradingSnapshot,
} from '$workers/api';

export interface TradingNotice {
  id: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  at: number;
}

/**
 * What the trading engine reports, as runes the screens render: every snapshot replaces the state
 * (arrays are `$state.raw`, replaced and never mutated). Each action keeps its own pending flag and
 * error under a key (e.g. `cancel:<id>`), so one row's failure shows on that row.
 */
export class TradingState {
  started = $state(false);
  startError = $state<EngineError | null>(null);
  snapshot = $state.raw<TradingSnapshot | null>(null);
  notices = $state.raw<TradingNotice[]>([]);
  /** Each action's pending flag and last failure, by key. */
  private readonly actions = new KeyedActions();

  loading = $derived(this.snapshot === null && this.startError === null);
  openOrders = $derived(this.snapshot?.openOrders ?? []);
  history = $derived(this.snapshot?.history ?? []);
  fills = $derived(this.snapshot?.fills ?? []);
  positions = $derived(this.snapshot?.positions ?? []);
  algos = $derived(this.snapshot?.algos ?? []);
  breaker = $derived(this.snapshot?.breaker ?? null);
  halted = $derived(this.snapshot?.breaker?.halted === true);
  limits = $derived(this.snapshot?.limits ?? null);
  account = $derived(this.snapshot?.account ?? null);
  leader = $derived(this.snapshot?.leader ?? null);
  /** The paper account and the vault's exchange accounts; null until first loaded. */
  accounts = $state.raw<TradingAccountChoice[] | null>(null);
  /**
   * Set on a live account: which vault account, and whether it is the sandbox. A live account that never
   * connected yet (vault locked) has no account record, so the engine's list says which one is in use.
   */
  liveAccount = $derived(this.snapshot?.account?.live ?? liveChoice(this.accounts));
  /** The live account's exchange connection; null on paper. */
  liveConnection = $derived(this.snapshot?.live ?? null);

  private nextNotice = 1;
  private unsubscribe: (() => void) | null = null;

  /** Subscribes once; the first event is expected to be a snapshot. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      this.unsubscribe = await engine().trading.subscribe((e) => this.apply(e));
      this.startError = null;
    } catch (e) {
      this.startError = toEngineError(e);
      this.started = false;
    }
  }

  apply(e: TradingEvent): void {
    if (e.type === 'snapshot') this.snapshot = e.snapshot;
    else
      this.notices = [
        ...this.notices.slice(-3),
        { id: this.nextNotice++, level: e.level, message: e.message, at: e.at },
      ];
  }

  dismissNotice(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  isPending(key: string): boolean {
    return this.actions.isPending(key);
  }

  error(key: string): EngineError | null {
    return this.actions.error(key);
  }

  clearError(key: string): void {
    this.actions.clearError(key);
  }

  /** Runs one action under a key (see KeyedActions.run): never rejects, the outcome says how it went. */
  run<T>(key: string, action: () => Promise<T>): Promise<Outcome<T>> {
    return this.actions.run(key, action);
  }

  /** Previews are frequent and stateless: the ticket keeps their result; failures reject. */
  preview(request: PlaceRequest): Promise<OrderPreview> {
    return engine().trading.preview(request);
  }

  place(request: PlaceRequest, clientOrderId?: string) {
    return this.run('place', () => engine().trading.place(request, clientOrderId));
  }

  cancel(orderId: string) {
    return this.run(`cancel:${orderId}`, () => engine().trading.cancel(orderId));
  }

  amend(orderId: string, change: { price?: string; amount?: string }) {
    return this.run(`amend:${orderId}`, () => engine().trading.amend(orderId, change));
  }

  closePosition(symbol: string) {
    return this.run(`close:${symbol}`, () => engine().trading.closePosition(symbol));
  }

  pauseAlgo(id: string) {
    return this.run(`algo:${id}`, () => engine().trading.pauseAlgo(id));
  }

  resumeAlgo(id: string) {
    return this.run(`algo:${id}`, () => engine().trading.resumeAlgo(id));
  }

  cancelAlgo(id: string) {
    return this.run(`algo:${id}`, () => engine().trading.cancelAlgo(id));
  }

  killSwitch(flatten: boolean) {
    return this.run('kill', () => engine().trading.killSwitch({ flatten }));
  }

  rearm() {
    return this.run('rearm', () => engine().trading.rearm());
  }

  setLimits(values: unknown) {
    return this.run<RiskLimits>('limits', () => engine().trading.setLimits(values));
  }

  configurePaper(settings: PaperSettings) {
    return this.run('paper', () => engine().trading.configurePaper(settings));
  }

  resetPaper() {
    return this.run('reset-paper', () => engine().trading.resetPaper());
  }

  audit(filter: AuditFilter) {
    return this.run<AuditEntry[]>('audit', () => engine().trading.audit(filter));
  }

  size(request: SizingRequest) {
    return this.run<SizingResult>('size', () => engine().trading.size(request));
  }

  /** Loads the account choices; a failure is kept under `accounts` and the old list stays. */
  async loadAccounts(): Promise<void> {
    const r = await this.run('accounts', () => engine().trading.tradingAccounts());
    if (r.ok) this.accounts = r.value;
  }

  /** Switches the account the ticket and panels trade on (`paper` or a vault account id). */
  async useAccount(id: string) {
    const r = await this.run('use-account', () => engine().trading.useAccount(id));
    await this.loadAccounts();
    return r;
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.started = false;
  }
}

function liveChoice(choices: TradingAccountChoice[] | null) {
  const c = choices?.find((x) => x.active && x.kind === 'live');
  return c
    ? { vaultId: c.id, venue: c.venue === 'sandbox' ? ('sandbox' as const) : ('live' as const) }
    : null;
}

export const tradingState = new TradingState();
