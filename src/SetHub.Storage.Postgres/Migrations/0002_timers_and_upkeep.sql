-- SetHub schema for PostgreSQL, version 2: shared timers, an indexed inactivity deadline, one active key per algorithm,
-- and a mark for a push backoff reset while the stream is leased.

-- Durable timers for periodic upkeep, claimed like push work (FOR UPDATE SKIP LOCKED and a lease), so one node runs
-- each round and a node that dies mid-run hands it over when its lease expires. Global, like settings.
CREATE TABLE timers (
    name         text PRIMARY KEY,
    due_at       bigint NOT NULL,
    leased_until bigint,
    lease_owner  text
);

-- When an enabled stream with an inactivity_timeout (SSF 1.0 §8.1.1) is paused unless its receiver shows activity:
-- kept beside last_activity_at so the upkeep finds expired streams by an index range, not a scan.
ALTER TABLE streams ADD COLUMN inactive_at bigint;
UPDATE streams SET inactive_at = COALESCE(last_activity_at, created_at) + inactivity_timeout * 1000
WHERE inactivity_timeout IS NOT NULL;
DROP INDEX streams_inactivity;
CREATE INDEX streams_inactive ON streams (inactive_at) WHERE status = 'enabled' AND inactive_at IS NOT NULL;

-- At most one active signing key per tenant and algorithm: two nodes creating a tenant's first RS256 key at once
-- must not both succeed. Older duplicates from before this rule are retired now, so they stay published for the
-- rotation grace period like any rotated-out key (SETs already signed with them still verify).
UPDATE signing_keys k SET retired_at = (extract(epoch FROM clock_timestamp()) * 1000)::bigint
WHERE k.retired_at IS NULL AND EXISTS (
    SELECT 1 FROM signing_keys n
    WHERE n.tenant_id = k.tenant_id AND n.alg = k.alg AND n.retired_at IS NULL AND (n.created_at, n.kid) > (k.created_at, k.kid));
CREATE UNIQUE INDEX signing_keys_active ON signing_keys (tenant_id, alg) WHERE retired_at IS NULL;

-- Set when a change to the stream (the receiver may have fixed what failed) ends its push backoff while a node holds
-- its lease; cleared by every claim. The release then keeps the reset instead of its own failure count.
ALTER TABLE delivery_schedule ADD COLUMN reset_during_lease boolean NOT NULL DEFAULT false;
