import * as Comlink from 'comlink';
import type { DataApi, DataProgressListener } from '$workers/api';

/** The page's side of the data domain: progress listeners cross to the worker as proxies. */
export type DataClient = DataApi;

function proxied(listener: DataProgressListener | undefined): DataProgressListener | undefined {
  return listener ? Comlink.proxy(listener) : undefined;
}

export function dataClient(remote: Comlink.Remote<DataApi>): DataClient {
  return {
    overview: () => remote.overview(),
    exportRecords: (request) => remote.exportRecords(request),
    exportDatabase: (jobId, onProgress) => remote.exportDatabase(jobId, proxied(onProgress)),
    previewDatabase: (file, jobId, onProgress) => remote.previewDatabase(file, jobId, proxied(onProgress)),
    importDatabase: (previewId, jobId, onProgress) =>
      remote.importDatabase(previewId, jobId, proxied(onProgress)),
    discardDatabasePreview: (previewId) => remote.discardDatabasePreview(previewId),
    previewCandles: (input) => remote.previewCandles(input),
    importCandles: (request) => remote.importCandles(request),
    cancel: (jobId) => remote.cancel(jobId),
  };
}
