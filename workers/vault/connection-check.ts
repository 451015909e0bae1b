import { EngineFailure, engineError, type EngineError } from '../shared/errors.js';
import type { AccountDraft, ConnectionTester, ConnectionTestResult } from './api.js';
import type { Credentials } from './credential-fields.js';

/** An exchange error text could echo what was sent; strip every credential value out of it. */
function redact(error: EngineError, credentials: Credentials): EngineError {
  const values = Object.values(credentials).filter((v) => v.length >= 4);
  const clean = (text: string) => values.reduce((t, v) => t.split(v).join('[redacted]'), text);
  const details = error.details
    ? Object.fromEntries(
        Object.entries(error.details).map(([k, v]) => [k, typeof v === 'string' ? clean(v) : v]),
      )
    : undefined;
  return engineError(String(error.code), clean(String(error.message)), error.retryable === true, details);
}

/** Runs the exchange's connection test; whatever it says back is redacted, and a crash is a failed test. */
export async function testConnectionSafely(
  testConnection: ConnectionTester,
  draft: AccountDraft,
  credentials: Credentials,
): Promise<ConnectionTestResult> {
  try {
    const result = await testConnection(draft, { ...credentials });
    return result.ok ? result : { ok: false, error: redact(result.error, credentials) };
  } catch (e) {
    const error =
      e instanceof EngineFailure
        ? redact(e.error, credentials)
        : engineError('connection-test', 'The connection test failed unexpectedly. Try again.', true);
    return { ok: false, error };
  }
}
