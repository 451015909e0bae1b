import { describe, expect, it } from 'vitest';
import { createSandboxKey } from './sandbox-keys';

function fetchAnswering(
  status: number,
  body: unknown,
  seen: Array<[string, RequestInit]> = [],
): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    seen.push([url, init]);
    return new Response(JSON.stringify(body), { status });
  }) as unknown as typeof fetch;
}

describe('sandbox API keys', () => {
  it('POSTs the label as JSON and returns the key and balances', async () => {
    const seen: Array<[string, RequestInit]> = [];
    const r = await createSandboxKey(
      'Main',
      fetchAnswering(201, { apiKey: 'k', secret: 's', balances: { USDT: '10000', BTC: 1 } }, seen),
    );
    expect(r).toEqual({ ok: true, key: { apiKey: 'k', secret: 's', balances: { USDT: '10000', BTC: '1' } } });
    expect(seen[0]![0]).toBe('/sandbox/api-keys');
    expect(seen[0]![1].method).toBe('POST');
    expect(JSON.parse(String(seen[0]![1].body))).toEqual({ label: 'Main' });
  });

  it('explains a refusal, a malformed answer and a network failure', async () => {
    expect(await createSandboxKey('x', fetchAnswering(401, {}))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Sign in/),
    });
    expect(await createSandboxKey('x', fetchAnswering(201, { apiKey: 'k' }))).toMatchObject({ ok: false });
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    expect(await createSandboxKey('x', down)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/reached/),
    });
  });
});
