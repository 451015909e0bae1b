/** The monitor domain's part of the engine API. Placeholder until the domain is built. */
export interface MonitorApi {
  ready(): Promise<boolean>;
}
