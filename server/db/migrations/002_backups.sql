-- End-to-end-encrypted backups. The browser encrypts before upload: the server keeps ciphertext, sizes,
-- checksums and metadata it cannot read, nothing else. Times come from the server's clock, as in 001.

CREATE TABLE backup_versions (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{16,64}$'), -- chosen by the client, so it can resume
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('full', 'incremental')),
  -- The version an incremental applies onto. Deleting it deletes everything built on it: without the
  -- parent they could not be restored anyway.
  parent_id text REFERENCES backup_versions (id) ON DELETE CASCADE,
  format integer NOT NULL CHECK (format BETWEEN 1 AND 1000), -- the client's envelope version
  data_key_id text NOT NULL CHECK (data_key_id ~ '^[A-Za-z0-9_-]{1,64}$'), -- opaque to the server
  status text NOT NULL CHECK (status IN ('uploading', 'complete')),
  planned_bytes bigint NOT NULL CHECK (planned_bytes >= 0),
  chunk_count integer,
  -- Bytes received so far while uploading; the verified total once complete.
  total_bytes bigint NOT NULL DEFAULT 0,
  sha256 text, -- hex SHA-256 over the chunk digests in order, once complete
  manifest bytea, -- encrypted by the client
  created_at timestamptz NOT NULL,
  -- The last chunk received: uploads idle for a day are abandoned and deleted.
  touched_at timestamptz NOT NULL,
  completed_at timestamptz,
  CHECK ((kind = 'full') = (parent_id IS NULL)),
  CHECK ((status = 'complete') = (completed_at IS NOT NULL))
);
CREATE INDEX backup_versions_user ON backup_versions (user_id, status);
CREATE INDEX backup_versions_parent ON backup_versions (parent_id);
CREATE INDEX backup_versions_stale ON backup_versions (touched_at) WHERE status = 'uploading';

CREATE TABLE backup_chunks (
  version_id text NOT NULL REFERENCES backup_versions (id) ON DELETE CASCADE,
  idx integer NOT NULL CHECK (idx >= 0),
  size integer NOT NULL CHECK (size >= 0),
  sha256 text NOT NULL, -- hex, of the bytes as stored
  bytes bytea NOT NULL,
  PRIMARY KEY (version_id, idx)
);

-- The wrapped vault key a new device needs to decrypt the backups; ciphertext to us.
CREATE TABLE backup_key_bundles (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  data_key_id text NOT NULL CHECK (data_key_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  bundle bytea NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, data_key_id)
);
