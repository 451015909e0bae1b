import type { EngineParts } from '../engine-parts.js';
import type { MonitorApi } from './api.js';

/** The monitor domain's handlers, built once when the engine worker starts. */
export function createMonitorApi(parts: EngineParts): MonitorApi {
  void parts;
  return { ready: async () => true };
}
