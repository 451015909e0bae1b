import { engine, toEngineError } from '$lib/engine/engine';
import type { EngineError, StorageReport } from '$workers/api';

/** Persistent storage: asked for once, so the browser does not evict a trader's data under pressure. */
class StorageState {
  persisted = $state<boolean | null>(null);
  report = $state.raw<StorageReport | null>(null);
  error = $state<EngineError | null>(null);
  busy = $state(false);

  async requestPersistence(): Promise<void> {
    if (!navigator.storage?.persist) {
      this.persisted = false;
      return;
    }
    this.persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  }

  async refresh(): Promise<void> {
    try {
      this.persisted = navigator.storage?.persisted ? await navigator.storage.persisted() : false;
      this.report = await engine().market.storage();
      this.error = null;
    } catch (e) {
      this.error = toEngineError(e);
    }
  }

  async clearMarketCache(): Promise<void> {
    this.busy = true;
    try {
      await engine().market.clearCache();
      await this.refresh();
    } catch (e) {
      this.error = toEngineError(e);
    } finally {
      this.busy = false;
    }
  }
}

export const storageState = new StorageState();
