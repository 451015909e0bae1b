import type { EngineParts } from '../engine-parts.js';
import type { DataApi } from './api.js';

/** The data domain's handlers, built once when the engine worker starts. */
export function createDataApi(parts: EngineParts): DataApi {
  void parts;
  return { ready: async () => true };
}
