import * as Comlink from 'comlink';
import type { ProgressListener, ResearchApi } from '../api.js';
import { asData } from './research-errors.js';
import { transferablesOf } from './transferables.js';

/** The service made these arrays for this call: moving them to the page costs nothing, copying would. */
function moved<T>(value: T): T {
  return Comlink.transfer(value, transferablesOf(value));
}

/** A job's progress proxy is released when the job ends, so its message port does not outlive it. */
async function withProgress<T>(
  listener: ProgressListener | undefined,
  work: (listener: ProgressListener | undefined) => Promise<T>,
): Promise<T> {
  try {
    return await work(listener);
  } finally {
    (listener as Partial<Comlink.Remote<ProgressListener>> | undefined)?.[Comlink.releaseProxy]?.();
  }
}

/**
 * The research API as the research worker exposes it with comlink: failures cross as EngineError data
 * (with the field for bad input), large arrays are transferred, progress proxies are released at the
 * end of their job. Relies on the service's promise that every typed array it returns is the caller's.
 */
export function researchWorkerApi(service: ResearchApi): ResearchApi {
  return {
    datasets: () => asData(() => service.datasets()),
    importCsv: (text, options) => asData(() => service.importCsv(text, options)),
    deleteDataset: (id) => asData(() => service.deleteDataset(id)),
    bars: (id) => asData(async () => moved(await service.bars(id))),
    strategies: () => asData(() => service.strategies()),
    indicators: () => asData(() => service.indicators()),
    backtest: (request, jobId, onProgress) =>
      asData(() => withProgress(onProgress, async (p) => moved(await service.backtest(request, jobId, p)))),
    estimateSweep: (request) => asData(() => service.estimateSweep(request)),
    sweep: (request, jobId, onProgress) =>
      asData(() => withProgress(onProgress, (p) => service.sweep(request, jobId, p))),
    walkForward: (request, jobId, onProgress) =>
      asData(() =>
        withProgress(onProgress, async (p) => moved(await service.walkForward(request, jobId, p))),
      ),
    monteCarlo: (request, jobId, onProgress) =>
      asData(() => withProgress(onProgress, async (p) => moved(await service.monteCarlo(request, jobId, p)))),
    lookahead: (request, jobId, onProgress) =>
      asData(() => withProgress(onProgress, (p) => service.lookahead(request, jobId, p))),
    cancel: (jobId) => asData(() => service.cancel(jobId)),
  };
}
