import type { EngineParts } from '../engine-parts.js';
import type { AlertsApi } from './api.js';

/** The alerts domain's handlers, built once when the engine worker starts. */
export function createAlertsApi(parts: EngineParts): AlertsApi {
  void parts;
  return { ready: async () => true };
}
