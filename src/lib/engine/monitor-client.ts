import type * as Comlink from 'comlink';
import type { MonitorApi } from '$workers/api';

/** The page's side of the monitor domain: plain calls; listeners would be proxied here. */
export type MonitorClient = MonitorApi;

export function monitorClient(remote: Comlink.Remote<MonitorApi>): MonitorClient {
  return { ready: () => remote.ready() };
}
