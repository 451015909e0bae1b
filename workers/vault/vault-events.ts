import type { VaultListener } from './api.js';

/** The pages listening for vault changes (status and account list), each under a numeric id. */
export class VaultEvents {
  private readonly listeners = new Map<number, VaultListener>();
  private nextListener = 1;

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: VaultListener): number {
    const id = this.nextListener++;
    this.listeners.set(id, listener);
    return id;
  }

  unsubscribe(id: number): void {
    this.listeners.delete(id);
  }

  emit(event: Parameters<VaultListener>[0]): void {
    for (const listener of this.listeners.values()) {
      try {
        listener(event);
      } catch {
        // A closed page must not stop the others.
      }
    }
  }
}
