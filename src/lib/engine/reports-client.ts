import * as Comlink from 'comlink';
import type { JobProgress, ReportsApi } from '$workers/api';

/** The page's side of the reports domain: plain calls, with progress listeners proxied to the worker. */
export type ReportsClient = ReportsApi;

const proxied = (listener: ((p: JobProgress) => void) | undefined) =>
  listener ? Comlink.proxy(listener) : undefined;

export function reportsClient(remote: Comlink.Remote<ReportsApi>): ReportsClient {
  return {
    previewImport: (text, request) => remote.previewImport(text, request),
    commitImport: (text, request) => remote.commitImport(text, request),
    imports: () => remote.imports(),
    removeImport: (id) => remote.removeImport(id),
    taxSources: () => remote.taxSources(),
    taxReport: (request, jobId, onProgress) => remote.taxReport(request, jobId, proxied(onProgress)),
    taxCsv: (request, jobId, onProgress) => remote.taxCsv(request, jobId, proxied(onProgress)),
    cancel: (jobId) => remote.cancel(jobId),
  };
}
