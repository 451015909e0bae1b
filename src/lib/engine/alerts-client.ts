import * as Comlink from 'comlink';
import type { AlertListener, AlertsApi } from '$workers/api';

/** The page's side of the alerts domain: the same calls, and a listener that crosses as a comlink proxy. */
export type AlertsClient = Omit<AlertsApi, 'subscribe' | 'unsubscribe'> & {
  /** Firings and list changes until the returned function is called. */
  subscribe(listener: AlertListener): Promise<() => void>;
};

export function alertsClient(remote: Comlink.Remote<AlertsApi>): AlertsClient {
  return {
    list: () => remote.list(),
    create: (draft) => remote.create(draft),
    update: (id, patch) => remote.update(id, patch),
    remove: (id) => remote.remove(id),
    restore: (removed) => remote.restore(removed),
    history: (query) => remote.history(query),
    clearHistory: (alertId) => remote.clearHistory(alertId),
    currentPrice: (symbol) => remote.currentPrice(symbol),
    async subscribe(listener) {
      const id = await remote.subscribe(Comlink.proxy(listener));
      return () => void remote.unsubscribe(id);
    },
  };
}
