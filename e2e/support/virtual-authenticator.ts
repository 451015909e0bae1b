import type { CDPSession, Page } from '@playwright/test';

/** A credential as Chromium's WebAuthn domain reports it (private key as base64 PKCS#8). */
export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
  backupEligibility?: boolean;
  backupState?: boolean;
  userName?: string;
  userDisplayName?: string;
}

export interface VirtualAuthenticatorOptions {
  /** Whether the authenticator supports the PRF extension (vault unlock). Default true. */
  prf?: boolean;
}

// One CDP session per page: Chromium keeps a page's virtual authenticators with the session that
// enabled the WebAuthn domain, so every helper for that page must share it.
const sessions = new WeakMap<Page, Promise<CDPSession>>();

function sessionFor(page: Page): Promise<CDPSession> {
  let session = sessions.get(page);
  if (!session) {
    session = (async () => {
      const client = await page.context().newCDPSession(page);
      await client.send('WebAuthn.enable', { enableUI: false });
      return client;
    })();
    sessions.set(page, session);
  }
  return session;
}

/**
 * A passkey authenticator inside a page, like a phone's or laptop's built-in one: CTAP2, internal
 * transport, discoverable credentials, user verification that always succeeds.
 */
export class VirtualAuthenticator {
  private constructor(
    private readonly client: CDPSession,
    readonly id: string,
    readonly prf: boolean,
  ) {}

  static async add(page: Page, options: VirtualAuthenticatorOptions = {}): Promise<VirtualAuthenticator> {
    const client = await sessionFor(page);
    const prf = options.prf ?? true;
    const { authenticatorId } = await client.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
        hasPrf: prf,
      },
    });
    return new VirtualAuthenticator(client, authenticatorId, prf);
  }

  async credentials(): Promise<VirtualCredential[]> {
    const { credentials } = await this.client.send('WebAuthn.getCredentials', { authenticatorId: this.id });
    return credentials as VirtualCredential[];
  }

  async addCredential(credential: VirtualCredential): Promise<void> {
    await this.client.send('WebAuthn.addCredential', { authenticatorId: this.id, credential });
  }

  /** Copies every passkey of this authenticator to another one (a synced passkey on a second device). */
  async copyTo(other: VirtualAuthenticator): Promise<void> {
    for (const c of await this.credentials()) await other.addCredential(c);
  }

  /** Unplugs the authenticator: its passkeys are gone from the page. */
  async remove(): Promise<void> {
    await this.client.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: this.id });
  }
}
