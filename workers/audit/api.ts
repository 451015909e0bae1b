/** The audit domain's part of the engine API. Placeholder until the domain is built. */
export interface AuditApi {
  ready(): Promise<boolean>;
}
