import * as Comlink from 'comlink';
import type { MonitorApi, MonitorListener, MonitorSnapshot } from '$workers/api';

/** The page's side of the monitor domain: the listener crosses as a comlink proxy. */
export interface MonitorClient {
  snapshot(): Promise<MonitorSnapshot>;
  /** Snapshots about once a second until the returned function is called. */
  subscribe(listener: MonitorListener): Promise<() => void>;
}

export function monitorClient(remote: Comlink.Remote<MonitorApi>): MonitorClient {
  return {
    snapshot: () => remote.snapshot(),
    async subscribe(listener) {
      const id = await remote.subscribe(Comlink.proxy(listener));
      return () => void remote.unsubscribe(id);
    },
  };
}
