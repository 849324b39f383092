-- SetHub schema, version 3: shared timers, an indexed inactivity deadline, one active key per algorithm, and a mark
-- for a push backoff reset while the stream is leased.

-- Durable timers for periodic upkeep, claimed with a lease (the same shape as in PostgreSQL, where several nodes
-- compete for them). Global, like settings.
CREATE TABLE timers (
    name         TEXT PRIMARY KEY,
    due_at       INTEGER NOT NULL,
    leased_until INTEGER,
    lease_owner  TEXT
) WITHOUT ROWID;

-- When an enabled stream with an inactivity_timeout (SSF 1.0 §8.1.1) is paused unless its receiver shows activity:
-- kept beside last_activity_at so the upkeep finds expired streams by an index range, not a scan.
ALTER TABLE streams ADD COLUMN inactive_at INTEGER;
UPDATE streams SET inactive_at = COALESCE(last_activity_at, created_at) + inactivity_timeout * 1000
WHERE inactivity_timeout IS NOT NULL;
DROP INDEX streams_inactivity;
CREATE INDEX streams_inactive ON streams (inactive_at) WHERE status = 'enabled' AND inactive_at IS NOT NULL;

-- At most one active signing key per tenant and algorithm (see the PostgreSQL migration).
UPDATE signing_keys SET retired_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
WHERE retired_at IS NULL AND EXISTS (
    SELECT 1 FROM signing_keys n
    WHERE n.tenant_id = signing_keys.tenant_id AND n.alg = signing_keys.alg AND n.retired_at IS NULL
      AND (n.created_at, n.kid) > (signing_keys.created_at, signing_keys.kid));
CREATE UNIQUE INDEX signing_keys_active ON signing_keys (tenant_id, alg) WHERE retired_at IS NULL;

-- Set when a change to the stream ends its push backoff while a node holds its lease (see the PostgreSQL migration).
ALTER TABLE delivery_schedule ADD COLUMN reset_during_lease INTEGER NOT NULL DEFAULT 0;
