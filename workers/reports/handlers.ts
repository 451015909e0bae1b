import type { EngineParts } from '../engine-parts.js';
import { asData } from '../shared/as-data.js';
import type { ReportsApi } from './api.js';
import { commitImport, listImports, previewImport, removeImport } from './import-store.js';
import { Jobs } from './jobs.js';
import { taxCsv, taxCsvFileName } from './tax-csv.js';
import { runTaxReport } from './tax-run.js';
import { taxSources } from './tax-sources.js';

/** The reports domain's handlers, built once when the engine worker starts. */
export function createReportsApi(parts: Pick<EngineParts, 'db'>): ReportsApi {
  const { db } = parts;
  const jobs = new Jobs();
  return {
    previewImport: (text, request) => asData(() => previewImport(db, text, request)),
    commitImport: (text, request) => asData(() => commitImport(db, text, request)),
    imports: () => asData(() => listImports(db)),
    removeImport: (id) => asData(() => removeImport(db, id)),
    taxSources: () => asData(() => taxSources(db)),
    taxReport: (request, jobId, onProgress) =>
      asData(() => jobs.run(jobId, onProgress, async (job) => (await runTaxReport(db, request, job)).view)),
    taxCsv: (request, jobId, onProgress) =>
      asData(() =>
        jobs.run(jobId, onProgress, async (job) => {
          const { view } = await runTaxReport(db, request, job);
          const year = request.year ?? null;
          return { fileName: taxCsvFileName(view, year), text: taxCsv(view, year) };
        }),
      ),
    cancel: (jobId) => asData(() => jobs.cancel(jobId)),
  };
}
