import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaderLink, type CallHandler, type ChannelLike, type LockManagerLike } from './leadership.js';

// ---------------------------------------------------------------------------------------------
// An in-memory BroadcastChannel: a message reaches every OTHER open channel on the bus, later,
// as a structured clone (so nothing is shared by reference, and uncloneable data fails like it would).
// ---------------------------------------------------------------------------------------------

class Bus {
  readonly channels = new Set<FakeChannel>();
  readonly log: unknown[] = [];
  channel(): FakeChannel {
    const c = new FakeChannel(this);
    this.channels.add(c);
    return c;
  }
}

class FakeChannel implements ChannelLike {
  private readonly listeners: Array<(event: { data: unknown }) => void> = [];
  closed = false;
  constructor(private readonly bus: Bus) {}

  postMessage(message: unknown): void {
    if (this.closed) throw new Error('InvalidStateError: channel is closed');
    const data = structuredClone(message);
    this.bus.log.push(data);
    for (const other of this.bus.channels) {
      if (other === this) continue;
      setTimeout(() => other.deliver(structuredClone(data)), 0);
    }
  }

  addEventListener(_type: 'message', listener: (event: { data: unknown }) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.closed = true;
    this.bus.channels.delete(this);
  }

  private deliver(data: unknown): void {
    if (this.closed) return;
    for (const l of this.listeners) l({ data });
  }
}

// ---------------------------------------------------------------------------------------------
// A FIFO Web Lock: the first requester holds it until the test releases it (its tab closes).
// ---------------------------------------------------------------------------------------------

class FakeLocks {
  private holder = new Map<string, string>();
  private readonly queue = new Map<string, Array<{ tab: string; callback: () => Promise<unknown> }>>();

  for(tab: string): LockManagerLike {
    return {
      request: (name, callback) => {
        const q = this.queue.get(name) ?? [];
        q.push({ tab, callback });
        this.queue.set(name, q);
        this.grant(name);
        // The lock's promise settles when the lock is released; a leader never releases it itself.
        return new Promise(() => undefined);
      },
    };
  }

  holderOf(name: string): string | undefined {
    return this.holder.get(name);
  }

  /** The tab closes: it gives up the lock (and any place in the queue); the next waiter gets it. */
  release(tab: string): void {
    for (const [name, q] of this.queue)
      this.queue.set(
        name,
        q.filter((w) => w.tab !== tab),
      );
    for (const [name, holder] of [...this.holder]) {
      if (holder !== tab) continue;
      this.holder.delete(name);
      this.grant(name);
    }
  }

  private grant(name: string): void {
    if (this.holder.has(name)) return;
    const next = this.queue.get(name)?.shift();
    if (!next) return;
    this.holder.set(name, next.tab);
    queueMicrotask(() => void next.callback());
  }
}

const lockName = 'lyra-trading-leader:test';
const opts = { retryMs: 20, giveUpMs: 1_000 };

interface Tab {
  id: string;
  link: LeaderLink;
  channel: FakeChannel;
  calls: Array<{ method: string; args: unknown[] }>;
  led: number;
  changed: number;
}

let bus: Bus;
let locks: FakeLocks;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  bus = new Bus();
  locks = new FakeLocks();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A tab on the bus; it joins the election with `campaign`. */
function tab(id: string, options: Partial<typeof opts> = opts): Tab {
  const channel = bus.channel();
  const link = new LeaderLink(channel, id, options);
  const t: Tab = { id, link, channel, calls: [], led: 0, changed: 0 };
  link.onChanged(() => t.changed++);
  return t;
}

/** Campaign like the engine worker: once leading, serve calls (answering `${method}@${tab}` unless `impl` is given). */
function campaign(t: Tab, impl?: CallHandler): void {
  t.link.campaign(locks.for(t.id), lockName, () => {
    t.led++;
    t.link.serve(async (method, args) => {
      t.calls.push({ method, args });
      return impl ? impl(method, args) : `${method}@${t.id}`;
    });
  });
}

/** The tab closes: its link stops answering, then its lock is released. */
function closeTab(t: Tab, releaseLock = true): void {
  t.link.close();
  if (releaseLock) locks.release(t.id);
}

const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

/** Tracks a promise's outcome without letting a rejection go unhandled. */
function track<T>(p: Promise<T>) {
  const s: { done: boolean; ok?: boolean; value?: unknown } = { done: false };
  p.then(
    (value) => Object.assign(s, { done: true, ok: true, value }),
    (value: unknown) => Object.assign(s, { done: true, ok: false, value }),
  );
  return s;
}

describe('LeaderLink election', () => {
  it('elects exactly one leader among three tabs', async () => {
    const tabs = ['a', 'b', 'c'].map((id) => tab(id));
    for (const t of tabs) campaign(t);
    await tick(100);
    expect(tabs.map((t) => t.link.isLeader)).toEqual([true, false, false]);
    expect(tabs.map((t) => t.led)).toEqual([1, 0, 0]);
    expect(locks.holderOf(lockName)).toBe('a');
  });

  it('hands leadership to the next waiter in order when the leader closes', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((id) => tab(id)) as [Tab, Tab, Tab];
    for (const t of [a, b, c]) campaign(t);
    await tick(10);
    closeTab(a);
    await tick(10);
    expect([b.link.isLeader, c.link.isLeader]).toEqual([true, false]);
    expect([b.led, c.led]).toEqual([1, 0]);
    closeTab(b);
    await tick(10);
    expect(c.link.isLeader).toBe(true);
    expect(c.led).toBe(1);
  });

  it('without Web Locks the only context leads at once', () => {
    const t = tab('solo');
    let led = 0;
    t.link.campaign(null, lockName, () => led++);
    expect(t.link.isLeader).toBe(true);
    expect(led).toBe(1);
  });
});

describe('LeaderLink calls', () => {
  it("runs a follower's call on the leader and resolves with its value", async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((id) => tab(id)) as [Tab, Tab, Tab];
    campaign(a, async (_m, args) => ({ echoed: args, by: 'a' }));
    campaign(b);
    campaign(c);
    await tick(10);
    const payload = { symbol: 'BTC/USDT', amount: '0.1', nested: { n: 1 } };
    const result = track(b.link.call('place', [payload, 2]));
    await tick(10);
    expect(result).toEqual({ done: true, ok: true, value: { echoed: [payload, 2], by: 'a' } });
    expect(a.calls).toEqual([{ method: 'place', args: [payload, 2] }]);
    // The arguments crossed the channel as a copy.
    expect(a.calls[0]!.args[0]).not.toBe(payload);
    // Only the leader ran it.
    expect(b.calls).toEqual([]);
    expect(c.calls).toEqual([]);
  });

  it("sends a rejected call's error back as data", async () => {
    const a = tab('a');
    const b = tab('b');
    campaign(a, async (method) => {
      if (method === 'boom') throw new Error('exploded');
      throw { code: 'risk-rejected', message: 'Order exceeds the max position', retryable: false };
    });
    campaign(b);
    await tick(10);
    const plain = track(b.link.call('place', []));
    const thrown = track(b.link.call('boom', []));
    await tick(10);
    expect(plain).toEqual({
      done: true,
      ok: false,
      value: { code: 'risk-rejected', message: 'Order exceeds the max position', retryable: false },
    });
    expect(thrown.done).toBe(true);
    expect(thrown.ok).toBe(false);
    expect((thrown.value as Error).message).toBe('exploded');
  });

  it('retries a call made while no leader exists and the next leader serves it: nothing lost', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((id) => tab(id)) as [Tab, Tab, Tab];
    for (const t of [a, b, c]) campaign(t);
    await tick(10);
    // a's tab is closing: its link stops answering but it has not let go of the lock yet.
    closeTab(a, false);
    const pending = [track(c.link.call('place', [1])), track(c.link.call('cancel', [2]))];
    await tick(opts.retryMs * 5);
    expect(pending.map((p) => p.done)).toEqual([false, false]);
    expect(b.link.isLeader).toBe(false);
    // Several requests were sent and nobody answered.
    expect(bus.log.filter((m) => (m as { t: string }).t === 'req').length).toBeGreaterThanOrEqual(6);
    expect(bus.log.some((m) => (m as { t: string }).t === 'res')).toBe(false);

    locks.release('a');
    await tick(opts.retryMs * 2);
    expect(b.link.isLeader).toBe(true);
    expect(pending).toEqual([
      { done: true, ok: true, value: 'place@b' },
      { done: true, ok: true, value: 'cancel@b' },
    ]);
    expect(b.calls.map((x) => x.method).sort()).toEqual(['cancel', 'place']);
    expect(a.calls).toEqual([]);
  });

  it('executes a retried request id only once on the leader', async () => {
    const a = tab('a');
    const b = tab('b');
    let invocations = 0;
    // The leader takes longer than several retry intervals to answer.
    campaign(a, async () => {
      invocations++;
      await new Promise((r) => setTimeout(r, opts.retryMs * 6));
      return 'done';
    });
    campaign(b);
    await tick(10);
    const result = track(b.link.call('place', []));
    await tick(opts.retryMs * 10);
    const reqs = bus.log.filter((m) => (m as { t: string }).t === 'req');
    expect(reqs.length).toBeGreaterThan(1);
    expect(new Set(reqs.map((m) => (m as { id: string }).id)).size).toBe(1);
    expect(invocations).toBe(1);
    expect(result).toEqual({ done: true, ok: true, value: 'done' });
    // Once answered, the follower stops asking.
    const sent = bus.log.length;
    await tick(opts.retryMs * 10);
    expect(bus.log.length).toBe(sent);
    expect(invocations).toBe(1);
  });

  it('answers a duplicate request id from memory, with the same result', async () => {
    const a = tab('a');
    campaign(a);
    await tick(10);
    const raw = bus.channel();
    const answers: unknown[] = [];
    raw.addEventListener('message', (e) => answers.push(e.data));
    const req = { t: 'req', id: 'x:7', method: 'place', args: ['once'] };
    raw.postMessage(req);
    await tick(10);
    raw.postMessage(req);
    raw.postMessage({ ...req, id: 'x:8', args: ['other'] });
    await tick(10);
    expect(a.calls).toEqual([
      { method: 'place', args: ['once'] },
      { method: 'place', args: ['other'] },
    ]);
    expect(answers.filter((m) => (m as { t: string }).t === 'res')).toEqual([
      { t: 'res', id: 'x:7', ok: true, value: 'place@a' },
      { t: 'res', id: 'x:7', ok: true, value: 'place@a' },
      { t: 'res', id: 'x:8', ok: true, value: 'place@a' },
    ]);
    // Every request is acknowledged at once, so a waiting tab knows a leader is working on it.
    expect(answers.filter((m) => (m as { t: string }).t === 'ack')).toHaveLength(3);
  });

  it('a slow leader is acknowledged, not reported as missing', async () => {
    const a = tab('a');
    const b = tab('b');
    let ran = 0;
    campaign(a, async () => {
      ran++;
      await new Promise((r) => setTimeout(r, opts.giveUpMs * 2));
      return 'placed';
    });
    campaign(b);
    await tick(10);
    const result = track(b.link.call('place', []));
    await tick(opts.giveUpMs * 3);
    expect(ran).toBe(1);
    expect(result).toEqual({ done: true, ok: true, value: 'placed' });
  });

  it('a follower that becomes leader while its own call waits runs it locally', async () => {
    const a = tab('a');
    const b = tab('b');
    campaign(a);
    campaign(b);
    await tick(10);
    closeTab(a, false);
    const result = track(b.link.call('place', ['mine']));
    await tick(opts.retryMs * 3);
    expect(result.done).toBe(false);
    locks.release('a');
    await tick(opts.retryMs * 2);
    expect(b.link.isLeader).toBe(true);
    expect(result).toEqual({ done: true, ok: true, value: 'place@b' });
    expect(b.calls).toEqual([{ method: 'place', args: ['mine'] }]);
    // No other tab is left to have answered it.
    expect(bus.log.some((m) => (m as { t: string }).t === 'res')).toBe(false);
  });

  it('a follower turned leader also runs a local rejection as a rejection', async () => {
    const a = tab('a');
    const b = tab('b');
    campaign(a);
    campaign(b, async () => {
      throw { code: 'halted', message: 'Trading is halted', retryable: false };
    });
    await tick(10);
    closeTab(a, false);
    const result = track(b.link.call('place', []));
    await tick(opts.retryMs);
    locks.release('a');
    await tick(opts.retryMs * 2);
    expect(result).toEqual({
      done: true,
      ok: false,
      value: { code: 'halted', message: 'Trading is halted', retryable: false },
    });
  });

  it('gives up with a no-leader error after giveUpMs', async () => {
    const b = tab('b');
    const c = tab('c');
    // Nobody campaigns: c is a follower too and ignores requests.
    c.link.serve(async () => 'should not run');
    const result = track(b.link.call('place', []));
    await tick(opts.giveUpMs - opts.retryMs);
    expect(result.done).toBe(false);
    await tick(opts.retryMs * 3);
    expect(result.done).toBe(true);
    expect(result.ok).toBe(false);
    expect(result.value).toMatchObject({ code: 'no-leader', retryable: true });
    expect((result.value as { message: string }).message).toMatch(/No Lyra tab/);
    // After giving up it stops sending.
    const sent = bus.log.length;
    await tick(opts.retryMs * 10);
    expect(bus.log.length).toBe(sent);
  });

  it('ignores malformed messages', async () => {
    const a = tab('a');
    campaign(a);
    await tick(10);
    const raw = bus.channel();
    for (const junk of [
      null,
      42,
      'hello',
      { t: 'unknown' },
      { t: 'res', id: 'nobody:1', ok: true, value: 1 },
    ])
      raw.postMessage(junk);
    await tick(10);
    expect(a.calls).toEqual([]);
    expect(a.link.isLeader).toBe(true);
  });
});

describe('LeaderLink change notices', () => {
  it("notifyChanged reaches the other tabs' listeners, not its own", async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((id) => tab(id)) as [Tab, Tab, Tab];
    let second = 0;
    b.link.onChanged(() => second++);
    a.link.notifyChanged();
    await tick(10);
    expect([a.changed, b.changed, c.changed]).toEqual([0, 1, 1]);
    expect(second).toBe(1);
    c.link.notifyChanged();
    c.link.notifyChanged();
    await tick(10);
    expect([a.changed, b.changed, c.changed]).toEqual([2, 3, 1]);
  });

  it('a closed tab no longer hears change notices', async () => {
    const a = tab('a');
    const b = tab('b');
    b.link.close();
    a.link.notifyChanged();
    await tick(10);
    expect(b.changed).toBe(0);
  });
});
