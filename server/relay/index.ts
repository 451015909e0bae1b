export { createRelay, type RelayDeps, type RelaySession } from './relay.js';
export {
  createRelayAllowlist,
  type AllowlistVerdict,
  type RelayAllowlist,
  type RelayAllowlistOptions,
} from './allowlist.js';
export type { RateLimit } from './session-rate-limiter.js';
