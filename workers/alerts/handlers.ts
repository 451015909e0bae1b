import type { EngineParts } from '../engine-parts.js';
import { asData } from '../shared/as-data.js';
import { AlertService, type BroadcastLike } from './alert-service.js';
import type { AlertListener, AlertsApi } from './api.js';

/** One tab evaluates alerts at a time; the lock passes on when its tab closes. */
const LEADER_LOCK = 'lyra-alerts-evaluator';

function channel(): BroadcastLike | null {
  return typeof BroadcastChannel === 'undefined'
    ? null
    : (new BroadcastChannel('lyra-alerts') as unknown as BroadcastLike);
}

/** The alerts domain's handlers, built once when the engine worker starts. */
export function createAlertsApi(parts: EngineParts): AlertsApi {
  const service = new AlertService({
    db: parts.db,
    market: parts.market.access(),
    trading: parts.trading,
    online: parts.online,
    channel: channel(),
    // Correlation shocks come from the same computation as the risk screen's.
    correlations: async () => {
      const view = await parts.portfolio.risk({});
      return 'insufficient' in view.correlation ? null : view.correlation;
    },
  });
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  const lead = () => void service.ready.then(() => service.lead());
  if (locks)
    // Held for the worker's lifetime: the promise never settles.
    void locks.request(LEADER_LOCK, () => new Promise<void>(() => lead()));
  else lead();
  const ready = <T>(work: () => T | Promise<T>) => asData(() => service.ready.then(work));
  return {
    list: () => ready(() => service.list()),
    create: (draft) => ready(() => service.create(draft)),
    update: (id, patch) => ready(() => service.update(id, patch)),
    remove: (id) => ready(() => service.remove(id)),
    restore: (removed) => ready(() => service.restore(removed)),
    history: (query) => ready(() => service.history(query)),
    clearHistory: (alertId) => ready(() => service.clearHistory(alertId)),
    currentPrice: (symbol) => ready(() => service.currentPrice(String(symbol))),
    subscribe: (listener: AlertListener) => ready(() => service.subscribe((e) => void listener(e))),
    unsubscribe: (id) => ready(() => service.unsubscribe(id)),
  };
}
