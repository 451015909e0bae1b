import type * as Comlink from 'comlink';
import type { AuditApi } from '$workers/api';

/** The page's side of the audit domain: plain calls; listeners would be proxied here. */
export type AuditClient = AuditApi;

export function auditClient(remote: Comlink.Remote<AuditApi>): AuditClient {
  return { ready: () => remote.ready() };
}
