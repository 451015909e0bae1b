import type { EngineParts } from '../engine-parts.js';
import type { AuditApi } from './api.js';

/** The audit domain's handlers, built once when the engine worker starts. */
export function createAuditApi(parts: EngineParts): AuditApi {
  void parts;
  return { ready: async () => true };
}
