import type { EngineParts } from '../engine-parts.js';
import { asData } from '../shared/as-data.js';
import { EngineFailure, engineError } from '../shared/errors.js';
import type { AuditApi, AuditQuery } from './api.js';
import { auditCsv } from './audit-csv.js';
import { allMatching, queryAudit } from './audit-query.js';
import { verifyAuditLog } from './verify-log.js';

function checkQuery(q: AuditQuery): AuditQuery {
  for (const key of ['fromSeq', 'toSeq'] as const) {
    const v = q[key];
    if (v != null && !Number.isFinite(v))
      throw new EngineFailure(
        engineError(
          'bad-audit-query',
          `${key} must be a sequence number (a finite number), not ${String(v)}.`,
        ),
      );
  }
  return q;
}

/** The audit domain's handlers, built once when the engine worker starts. */
export function createAuditApi(parts: Pick<EngineParts, 'db'>): AuditApi {
  const running = new Map<string, AbortController>();
  return {
    verify: (jobId, onProgress) =>
      asData(async () => {
        if (running.has(jobId))
          throw new EngineFailure(
            engineError('busy', 'This integrity check is already running: wait for it to finish.'),
          );
        const control = new AbortController();
        running.set(jobId, control);
        try {
          return await verifyAuditLog(parts.db, {
            signal: control.signal,
            onProgress: onProgress ? (p) => void Promise.resolve(onProgress(p)).catch(() => {}) : undefined,
          });
        } finally {
          running.delete(jobId);
        }
      }),
    cancel: (jobId) =>
      asData(() => {
        running.get(jobId)?.abort();
      }),
    entries: (query) => asData(() => queryAudit(parts.db, checkQuery(query))),
    exportCsv: (query) => asData(async () => auditCsv(await allMatching(parts.db, checkQuery(query)))),
  };
}
