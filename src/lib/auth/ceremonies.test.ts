import { describe, expect, it } from 'vitest';
import { withoutPrfOutput } from './ceremonies';

describe('withoutPrfOutput', () => {
  it('drops PRF results but keeps whether PRF is enabled and other extensions', () => {
    const secret = new Uint8Array([1, 2, 3]).buffer;
    const response = {
      id: 'abc',
      clientExtensionResults: { credProps: { rk: true }, prf: { enabled: true, results: { first: secret } } },
    };
    const cleaned = withoutPrfOutput(response as never) as typeof response;
    expect(cleaned.clientExtensionResults).toEqual({ credProps: { rk: true }, prf: { enabled: true } });
    expect(JSON.stringify(cleaned)).not.toContain('results');
    // The original still holds the output for the vault.
    expect(response.clientExtensionResults.prf.results.first).toBe(secret);
  });

  it('removes a PRF entry that carries only results (sign-in)', () => {
    const cleaned = withoutPrfOutput({
      clientExtensionResults: { prf: { results: { first: new ArrayBuffer(32) } } },
    } as never) as { clientExtensionResults: object };
    expect(cleaned.clientExtensionResults).toEqual({});
  });
});
