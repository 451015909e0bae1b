/**
 * At most one open subscription, to the newest start. Opening is async: a view left and shown again
 * before the first open resolved starts a second one, and the first, resolving late, must be closed at
 * once rather than overwrite (and leak) the second, whose worker timers would otherwise run forever.
 */
export class LatestSubscription {
  private generation = 0;
  private close: (() => void) | null = null;

  /** Opens a subscription for this start; resolves once it is open (or closed again as stale). */
  async open(subscribe: () => Promise<() => void>): Promise<void> {
    this.end();
    const mine = ++this.generation;
    const close = await subscribe();
    if (mine === this.generation) this.close = close;
    else close();
  }

  /** Closes the open subscription, and any still opening. */
  end(): void {
    this.generation++;
    this.close?.();
    this.close = null;
  }
}
