/** The alerts domain's part of the engine API. Placeholder until the domain is built. */
export interface AlertsApi {
  ready(): Promise<boolean>;
}
