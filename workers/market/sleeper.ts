/**
 * Waits that can be cut short: by cancellation (a screen switched symbol) or by a wake-up (the network
 * came back, so every backoff should retry now rather than at its scheduled time).
 */
export class Sleeper {
  private wakers = new Set<() => void>();

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }
}
