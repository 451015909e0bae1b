import { describe, expect, it } from 'vitest';
import { enrollPasskey, passkeyPrf } from './passkey-prf';

type Options = CredentialCreationOptions | CredentialRequestOptions;

/** A stand-in authenticator: records what the page asked for and answers with a fixed PRF result. */
function authenticator(prf: { enabled?: boolean; atCreate?: boolean; atGet?: boolean }) {
  const calls: Array<{ kind: 'create' | 'get'; options: Options }> = [];
  const rawId = new Uint8Array([1, 2, 3, 4]).buffer;
  const output = new Uint8Array(32).fill(7);
  const credential = (withPrf: boolean) =>
    ({
      rawId,
      getClientExtensionResults: () => ({
        prf: { enabled: prf.enabled, ...(withPrf ? { results: { first: output.slice().buffer } } : {}) },
      }),
    }) as unknown as PublicKeyCredential;
  return {
    calls,
    container: {
      create: async (options?: CredentialCreationOptions) => {
        calls.push({ kind: 'create', options: options! });
        return credential(prf.atCreate === true);
      },
      get: async (options?: CredentialRequestOptions) => {
        calls.push({ kind: 'get', options: options! });
        return credential(prf.atGet === true);
      },
    },
  };
}

describe('passkey PRF in the page', () => {
  it('enrols: passes the salt as bytes, and asks again when creation gives no PRF result', async () => {
    const a = authenticator({ enabled: true, atCreate: false, atGet: true });
    const r = await enrollPasskey(a.container);
    if (!r.ok) throw new Error(r.message);
    expect(a.calls.map((c) => c.kind)).toEqual(['create', 'get']);
    const createSalt = (a.calls[0]!.options as CredentialCreationOptions).publicKey!.extensions!.prf!.eval!
      .first;
    expect(createSalt).toBeInstanceOf(Uint8Array);
    const getSalt = (a.calls[1]!.options as CredentialRequestOptions).publicKey!.extensions!.prf!.eval!.first;
    expect([...(getSalt as Uint8Array)]).toEqual([...(createSalt as Uint8Array)]);
    expect(r.value.credentialId).toBe('AQIDBA');
    expect(r.value.prfOutput).toHaveLength(32);
    expect(r.value.prfOutput.buffer.byteLength).toBe(32); // its own buffer, so it can be transferred whole
  });

  it('says plainly when the authenticator has no PRF', async () => {
    const r = await enrollPasskey(authenticator({ enabled: false }).container);
    expect(r).toMatchObject({ ok: false, reason: 'no-prf' });
    if (!r.ok) expect(r.message).toMatch(/passphrase/);
    const r2 = await enrollPasskey(authenticator({ enabled: true, atCreate: false, atGet: false }).container);
    expect(r2).toMatchObject({ ok: false, reason: 'no-prf' });
  });

  it('reports a cancelled prompt as cancelled', async () => {
    const container = {
      create: async () => {
        throw new DOMException('denied', 'NotAllowedError');
      },
      get: async () => null,
    };
    expect(await enrollPasskey(container)).toMatchObject({ ok: false, reason: 'cancelled' });
  });

  it('unlocks with the stored salt of one passkey, or per-credential salts for several', async () => {
    const a = authenticator({ atGet: true });
    const one = [
      {
        id: 'prf:AQIDBA',
        label: 'x',
        credentialId: 'AQIDBA',
        prfSalt: 'AAECAwQFBgcICQoLDA0ODw',
        createdAt: 0,
      },
    ];
    const r = await passkeyPrf(one, a.container);
    expect(r).toMatchObject({ ok: true, value: { credentialId: 'AQIDBA' } });
    const req = (a.calls[0]!.options as CredentialRequestOptions).publicKey!;
    expect([...(req.extensions!.prf!.eval!.first as Uint8Array)]).toEqual([...Array(16).keys()]);
    expect(req.userVerification).toBe('required');

    const b = authenticator({ atGet: true });
    await passkeyPrf([...one, { ...one[0]!, credentialId: 'BQYHCA', prfSalt: 'AQ' }], b.container);
    const byCredential = (b.calls[0]!.options as CredentialRequestOptions).publicKey!.extensions!.prf!
      .evalByCredential!;
    expect(Object.keys(byCredential)).toEqual(['AQIDBA', 'BQYHCA']);
  });
});
