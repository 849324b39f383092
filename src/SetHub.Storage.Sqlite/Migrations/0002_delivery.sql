-- SetHub schema, version 2: publishing and delivery.

-- Which way a queued SET leaves: 'push' (the delivery worker sends it), 'poll' (the receiver fetches it) or 'held'
-- (its stream is paused; it waits for the stream to be enabled). queued_at starts the MaxDeliveryAge clock; a
-- re-drive restarts it.
ALTER TABLE sets ADD COLUMN lane TEXT NOT NULL DEFAULT 'poll';
ALTER TABLE sets ADD COLUMN queued_at INTEGER NOT NULL DEFAULT 0;
UPDATE sets SET queued_at = created_at;

CREATE INDEX sets_lane ON sets (tenant_id, stream_id, lane, seq) WHERE state = 0;
CREATE INDEX sets_expiry ON sets (queued_at) WHERE state = 0;

-- Transmitter-supplied stream settings (SSF 1.0 §8.1.1) and the bookkeeping that enforces them.
ALTER TABLE streams ADD COLUMN inactivity_timeout INTEGER;          -- seconds, NULL = none
ALTER TABLE streams ADD COLUMN min_verification_interval INTEGER;   -- seconds, NULL = none
ALTER TABLE streams ADD COLUMN last_activity_at INTEGER;
ALTER TABLE streams ADD COLUMN last_verification_at INTEGER;

CREATE INDEX streams_inactivity ON streams (last_activity_at) WHERE inactivity_timeout IS NOT NULL AND status = 'enabled';
CREATE INDEX streams_all_subjects ON streams (tenant_id) WHERE default_subjects = 'ALL';

-- Tenant defaults for new streams.
ALTER TABLE tenants ADD COLUMN inactivity_timeout INTEGER;
ALTER TABLE tenants ADD COLUMN min_verification_interval INTEGER;

-- Push work, one row per push stream: when it next has something to send, who holds its lease, and its
-- consecutive failures (the retry backoff is per stream, so a dead receiver is retried gently and in order).
CREATE TABLE delivery_schedule (
    tenant_id     TEXT NOT NULL,
    stream_id     TEXT NOT NULL,
    due_at        INTEGER,                  -- NULL: nothing to send (or claimed, see leased_until)
    leased_until  INTEGER,
    lease_owner   TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, stream_id)
) WITHOUT ROWID;

CREATE INDEX delivery_schedule_due ON delivery_schedule (due_at) WHERE due_at IS NOT NULL AND leased_until IS NULL;
CREATE INDEX delivery_schedule_leases ON delivery_schedule (leased_until) WHERE leased_until IS NOT NULL;

-- RISC opt-out (RISC 1.0 §2.8): subjects that opted out of every stream of their tenant, indexed like stream subjects.
CREATE TABLE subject_opt_outs (
    tenant_id    TEXT NOT NULL,
    subject_key  TEXT NOT NULL,
    subject_json TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, subject_key)
) WITHOUT ROWID;

CREATE TABLE opt_out_index (
    tenant_id   TEXT NOT NULL,
    index_key   TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    PRIMARY KEY (tenant_id, index_key, subject_key)
) WITHOUT ROWID;
