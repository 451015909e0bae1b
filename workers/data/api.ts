/** The data domain's part of the engine API. Placeholder until the domain is built. */
export interface DataApi {
  ready(): Promise<boolean>;
}
