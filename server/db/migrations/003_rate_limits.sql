-- Fixed-window request counters shared by every server process on this database, so a rate limit holds
-- behind a load balancer. Keys are SHA-256 hashes (hex) of whatever the caller counts by (an address, a
-- session id): bounded in length, and no address or session id sits in the table in the clear.

CREATE TABLE rate_limits (
  bucket text NOT NULL,
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  -- When the window ends: finished windows are swept by this, whatever each rule's window length.
  expires_at timestamptz NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (bucket, key, window_start)
);
CREATE INDEX rate_limits_expiry ON rate_limits (expires_at);
