/**
 * Asks Lyra's sandbox exchange for a fresh API key with starting balances. Called from the page; the
 * secret goes into the Add account form and from there only to the engine, which encrypts it.
 */
export interface SandboxKey {
  apiKey: string;
  secret: string;
  balances: Record<string, string>;
}

export type SandboxKeyOutcome = { ok: true; key: SandboxKey } | { ok: false; message: string };

export async function createSandboxKey(
  label: string,
  fetcher: typeof fetch = fetch,
): Promise<SandboxKeyOutcome> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) {
    return { ok: false, message: 'You are offline. The sandbox creates keys once you are back online.' };
  }
  let response: Response;
  try {
    response = await fetcher('/sandbox/api-keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label }),
      credentials: 'same-origin',
    });
  } catch {
    return { ok: false, message: 'The sandbox could not be reached. Check your connection and try again.' };
  }
  if (response.status !== 201) {
    const hint = response.status === 401 ? ' Sign in first: sandbox keys belong to an account.' : '';
    return { ok: false, message: `The sandbox did not create a key (HTTP ${response.status}).${hint}` };
  }
  const body = (await response.json().catch(() => null)) as Partial<SandboxKey> | null;
  if (!body || typeof body.apiKey !== 'string' || typeof body.secret !== 'string') {
    return { ok: false, message: 'The sandbox answered with something that is not a key.' };
  }
  const balances: Record<string, string> = {};
  for (const [asset, amount] of Object.entries(body.balances ?? {})) balances[asset] = String(amount);
  return { ok: true, key: { apiKey: body.apiKey, secret: body.secret, balances } };
}
