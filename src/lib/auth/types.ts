/** The shapes the server's /auth/* routes answer with (server/auth/index.ts). */
export type Role = 'owner' | 'viewer';

export interface AccountUser {
  id: string;
  displayName: string;
  workspaceId: string;
  createdAt: string;
}

export interface Me {
  user: AccountUser;
  role: Role;
  sessionId: string;
  /** Whether the passkey this session signed in with can derive vault keys (WebAuthn PRF). */
  prfAvailable: boolean;
  /** The workspace owner's name (a viewer sees whose workspace they are in). */
  workspaceOwner: string | null;
}

export interface SignedIn {
  user: AccountUser;
  role: Role;
  prfAvailable: boolean;
}

export interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
  prfEnabled: boolean;
}

export interface ActiveSession {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string;
  passkeyName: string | null;
  current: boolean;
}

export interface Invite {
  id: string;
  createdAt: string;
  expiresAt: string;
}

export interface Viewer {
  id: string;
  displayName: string;
  createdAt: string;
  lastSeenAt: string | null;
}

/** Every failure crosses as data: a stable code and a message for the user. */
export interface AuthFailure {
  code: string;
  message: string;
  status?: number;
}
