import type * as Comlink from 'comlink';
import type { AlertsApi } from '$workers/api';

/** The page's side of the alerts domain: plain calls; listeners would be proxied here. */
export type AlertsClient = AlertsApi;

export function alertsClient(remote: Comlink.Remote<AlertsApi>): AlertsClient {
  return { ready: () => remote.ready() };
}
