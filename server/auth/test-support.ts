/**
 * A software passkey authenticator for the server tests (not used by production code): ES256 keys from
 * node:crypto, "none" attestation, user verification always performed, and a signature counter.
 * It produces the same JSON shapes as @simplewebauthn/browser, so the server verifies real ceremonies.
 */
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

interface StoredCredential {
  id: Buffer;
  privateKey: KeyObject;
  userHandle: string;
  counter: number;
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const b64 = (data: Uint8Array) => Buffer.from(data).toString('base64url');

function coseKey(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  const key = new Map<number, number | Uint8Array>([
    [1, 2], // kty: EC2
    [3, -7], // alg: ES256
    [-1, 1], // crv: P-256
    [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
    [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
  ]);
  return isoCBOR.encode(key);
}

export interface SoftAuthenticatorOptions {
  origin: string;
  rpId: string;
  /** Whether the browser reports PRF support for new credentials. */
  prf?: boolean;
}

export class SoftAuthenticator {
  readonly credentials: StoredCredential[] = [];
  constructor(private readonly options: SoftAuthenticatorOptions) {}

  private clientData(type: string, challenge: string, origin = this.options.origin): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  private authData(flags: number, counter: number, attested?: Uint8Array): Buffer {
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    return Buffer.concat([
      sha256(this.options.rpId),
      Buffer.from([flags]),
      counterBytes,
      attested ?? Buffer.alloc(0),
    ]);
  }

  /** Answers registration options the way navigator.credentials.create would. */
  register(options: { challenge: string; user: { id: string } }, overrides: { origin?: string } = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = randomBytes(16);
    const credIdLen = Buffer.alloc(2);
    credIdLen.writeUInt16BE(id.length);
    const attested = Buffer.concat([Buffer.alloc(16), credIdLen, id, coseKey(publicKey)]);
    // UP | UV | AT
    const authData = this.authData(0x01 | 0x04 | 0x40, 0, attested);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Map<string, never> | Uint8Array>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, never>()],
        ['authData', new Uint8Array(authData)],
      ]),
    );
    this.credentials.push({ id, privateKey, userHandle: options.user.id, counter: 0 });
    return {
      id: b64(id),
      rawId: b64(id),
      type: 'public-key' as const,
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: this.options.prf ? { prf: { enabled: true } } : {},
      response: {
        clientDataJSON: b64(this.clientData('webauthn.create', options.challenge, overrides.origin)),
        attestationObject: b64(attestationObject),
        transports: ['internal'],
      },
    };
  }

  /** Answers sign-in options with the given (default: the first) credential, advancing its counter. */
  signIn(options: { challenge: string }, which = 0, overrides: { counter?: number } = {}) {
    const cred = this.credentials[which];
    if (!cred) throw new Error(`no credential #${which} on this authenticator`);
    cred.counter = overrides.counter ?? cred.counter + 1;
    const authData = this.authData(0x01 | 0x04, cred.counter);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), cred.privateKey);
    return {
      id: b64(cred.id),
      rawId: b64(cred.id),
      type: 'public-key' as const,
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64(clientDataJSON),
        authenticatorData: b64(authData),
        signature: b64(signature),
        userHandle: cred.userHandle,
      },
    };
  }
}
