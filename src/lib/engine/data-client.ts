import type * as Comlink from 'comlink';
import type { DataApi } from '$workers/api';

/** The page's side of the data domain: plain calls; listeners would be proxied here. */
export type DataClient = DataApi;

export function dataClient(remote: Comlink.Remote<DataApi>): DataClient {
  return { ready: () => remote.ready() };
}
