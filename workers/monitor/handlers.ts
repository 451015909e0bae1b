import type { EngineParts } from '../engine-parts.js';
import { asData } from '../shared/as-data.js';
import { EngineFailure, engineError } from '../shared/errors.js';
import type { MonitorApi, MonitorListener } from './api.js';
import { EngineMonitor } from './engine-monitor.js';

/** The monitor domain's handlers, built once when the engine worker starts: counting starts here. */
export function createMonitorApi(parts: EngineParts): MonitorApi {
  const monitor = new EngineMonitor({ market: parts.market, trading: parts.trading });
  return {
    snapshot: () => asData(() => monitor.snapshot()),
    subscribe: (listener: MonitorListener) =>
      asData(() => {
        if (typeof listener !== 'function')
          throw new EngineFailure(
            engineError('bad-listener', 'Subscribe with a function that receives monitor snapshots.'),
          );
        return monitor.subscribe(listener);
      }),
    unsubscribe: (id) => asData(() => monitor.unsubscribe(Number(id))),
  };
}
