/** The reports domain's part of the engine API. Placeholder until the domain is built. */
export interface ReportsApi {
  ready(): Promise<boolean>;
}
