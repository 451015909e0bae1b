import type * as Comlink from 'comlink';
import type { ReportsApi } from '$workers/api';

/** The page's side of the reports domain: plain calls; listeners would be proxied here. */
export type ReportsClient = ReportsApi;

export function reportsClient(remote: Comlink.Remote<ReportsApi>): ReportsClient {
  return { ready: () => remote.ready() };
}
