import * as Comlink from 'comlink';
import type { AuditApi, JobProgress } from '$workers/api';

/** The page's side of the audit domain: plain calls, with the check's progress listener proxied. */
export type AuditClient = AuditApi;

export function auditClient(remote: Comlink.Remote<AuditApi>): AuditClient {
  return {
    verify: (jobId: string, onProgress?: (progress: JobProgress) => void) =>
      remote.verify(jobId, onProgress ? Comlink.proxy(onProgress) : undefined),
    cancel: (jobId) => remote.cancel(jobId),
    entries: (query) => remote.entries(query),
    exportCsv: (query) => remote.exportCsv(query),
  };
}
