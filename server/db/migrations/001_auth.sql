-- Accounts and passkey sign-in. Times are written by the server's clock (never now()) so expiry is
-- testable; secrets (session and invite tokens) are stored only as SHA-256 hashes.

CREATE TABLE workspaces (
  id text PRIMARY KEY,
  created_at timestamptz NOT NULL
);

CREATE TABLE users (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'viewer')),
  display_name text NOT NULL,
  -- The opaque user handle given to authenticators (base64url); a discoverable sign-in returns it.
  webauthn_user_id text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL
);
CREATE INDEX users_workspace ON users (workspace_id);

CREATE TABLE passkeys (
  id text PRIMARY KEY, -- the credential id, base64url
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  public_key text NOT NULL, -- COSE key, base64url
  counter bigint NOT NULL,
  transports text[] NOT NULL DEFAULT '{}',
  device_type text NOT NULL,
  backed_up boolean NOT NULL,
  prf_enabled boolean NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz
);
CREATE INDEX passkeys_user ON passkeys (user_id);

CREATE TABLE sessions (
  id text PRIMARY KEY, -- public id, safe to show and to name in URLs
  token_hash text NOT NULL UNIQUE,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  passkey_id text REFERENCES passkeys (id) ON DELETE SET NULL,
  user_agent text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE invites (
  id text PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created_by text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  used_by text REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX invites_workspace ON invites (workspace_id);

CREATE TABLE auth_challenges (
  challenge text PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('register', 'sign-in', 'add-passkey')),
  -- What the ceremony is for: a new user's name and handle, an invite, or the signed-in user.
  user_id text REFERENCES users (id) ON DELETE CASCADE,
  display_name text,
  webauthn_user_id text,
  invite_id text REFERENCES invites (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX auth_challenges_expiry ON auth_challenges (expires_at);
