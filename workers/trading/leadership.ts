/**
 * Several tabs, one engine: the tab that holds the Web Lock is the leader and runs matching, emulated
 * orders and algos; the others forward their calls to it over a BroadcastChannel and reload state from
 * IndexedDB when the leader says something changed. When the leader's tab closes, its lock is released
 * and a waiting tab takes over from what is stored. Calls carry ids and are retried until a leader
 * answers, so nothing is lost in the hand-over; the leader remembers recent ids, so a retry never runs twice.
 */

export interface LockManagerLike {
  request(name: string, callback: () => Promise<unknown>): Promise<unknown>;
}

export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

type Message =
  | { t: 'req'; id: string; method: string; args: unknown[] }
  | { t: 'res'; id: string; ok: boolean; value: unknown }
  /** The leader has the call and is working on it: the caller keeps waiting, however long it takes. */
  | { t: 'ack'; id: string }
  | { t: 'changed'; at: number };

export type CallHandler = (method: string, args: unknown[]) => Promise<unknown>;

export interface LinkOptions {
  retryMs: number;
  /** A call with no leader answering for this long fails with a clear message. */
  giveUpMs: number;
}

const defaults: LinkOptions = { retryMs: 1500, giveUpMs: 30_000 };

export class LeaderLink {
  private leader = false;
  private handler: CallHandler | null = null;
  private readonly waiting = new Map<
    string,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void; heardAt: number }
  >();
  private readonly answered = new Map<string, Promise<{ ok: boolean; value: unknown }>>();
  private changedListeners: Array<() => void> = [];
  private nextId = 0;
  private readonly options: LinkOptions;

  constructor(
    private readonly channel: ChannelLike,
    private readonly tabId: string,
    options: Partial<LinkOptions> = {},
  ) {
    this.options = { ...defaults, ...options };
    channel.addEventListener('message', (e) => this.receive(e.data as Message));
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** Waits for the lock; `onLeader` runs once this tab holds it, which it then keeps until it closes. */
  campaign(locks: LockManagerLike | null, name: string, onLeader: () => void): void {
    const become = () => {
      this.leader = true;
      onLeader();
    };
    if (!locks) {
      // No Web Locks (an old browser, or Node): this context is the only one.
      become();
      return;
    }
    void locks.request(name, () => {
      become();
      return new Promise<never>(() => undefined);
    });
  }

  /** The leader's handler for calls from other tabs. */
  serve(handler: CallHandler): void {
    this.handler = handler;
  }

  /** Runs a call on the leader (another tab). Resolves with its result or rejects with its error. */
  call(method: string, args: unknown[]): Promise<unknown> {
    const id = `${this.tabId}:${this.nextId++}`;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, heardAt: Date.now() });
      const send = () => {
        if (!this.waiting.has(id)) return;
        if (this.leader && this.handler) {
          // This tab became the leader while waiting: run it here.
          this.waiting.delete(id);
          this.handle(id, method, args).then((r) => (r.ok ? resolve(r.value) : reject(r.value)));
          return;
        }
        // Measured from the leader's last acknowledgement, not from the start: a slow leader is still
        // a leader, and giving up on it would report failure for a call it then carries out.
        if (Date.now() - (this.waiting.get(id)?.heardAt ?? 0) > this.options.giveUpMs) {
          this.waiting.delete(id);
          reject({
            code: 'no-leader',
            message: 'No Lyra tab is running the trading engine right now. Reload this tab and try again.',
            retryable: true,
          });
          return;
        }
        this.channel.postMessage({ t: 'req', id, method, args } satisfies Message);
        setTimeout(send, this.options.retryMs);
      };
      send();
    });
  }

  notifyChanged(): void {
    this.channel.postMessage({ t: 'changed', at: Date.now() } satisfies Message);
  }

  onChanged(listener: () => void): void {
    this.changedListeners.push(listener);
  }

  close(): void {
    this.channel.close();
  }

  private handle(id: string, method: string, args: unknown[]): Promise<{ ok: boolean; value: unknown }> {
    let done = this.answered.get(id);
    if (!done) {
      done = (this.handler as CallHandler)(method, args).then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, value: error }),
      );
      this.answered.set(id, done);
      if (this.answered.size > 1000) this.answered.delete(this.answered.keys().next().value as string);
    }
    return done;
  }

  private receive(message: Message): void {
    if (!message || typeof message !== 'object') return;
    if (message.t === 'req') {
      if (!this.leader || !this.handler) return;
      this.channel.postMessage({ t: 'ack', id: message.id } satisfies Message);
      void this.handle(message.id, message.method, message.args).then((r) =>
        this.channel.postMessage({ t: 'res', id: message.id, ok: r.ok, value: r.value } satisfies Message),
      );
    } else if (message.t === 'res') {
      const w = this.waiting.get(message.id);
      if (!w) return;
      this.waiting.delete(message.id);
      if (message.ok) w.resolve(message.value);
      else w.reject(message.value);
    } else if (message.t === 'ack') {
      const w = this.waiting.get(message.id);
      if (w) w.heardAt = Date.now();
    } else if (message.t === 'changed') {
      for (const l of this.changedListeners) l();
    }
  }
}
