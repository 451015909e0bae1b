import type { AccountConnection } from '../../exchange/private-exchange.js';
import { wsOriginFor } from '../../exchange/url-overrides.js';

/** Where an account lives: the sandbox is served by Lyra's own server, a live exchange by itself. */
export interface AccountPlace {
  exchange: string;
  venue: 'sandbox' | 'live';
}

/**
 * How the worker reaches an account from the app at `origin`: the sandbox's URLs point at our server,
 * and REST always leaves through the relay (the browser's CORS rule applies to the sandbox's private
 * API exactly as to a real exchange's, and the relay is what is being exercised).
 */
export function connectionFor(
  place: AccountPlace,
  credentials: Record<string, string>,
  origin: string,
): AccountConnection {
  const exchange =
    place.venue === 'sandbox'
      ? { id: place.exchange, restUrl: origin, wsUrl: wsOriginFor(origin) }
      : { id: place.exchange };
  return { exchange, credentials, relayUrl: `${origin}/relay/` };
}
