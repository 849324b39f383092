-- SetHub schema, version 4: the tables behind SetHub's own Orleans providers (grain state, reminders, membership).
-- They belong to the Orleans service or cluster, not to a tenant, so they are keyed by Orleans identities. The same
-- tables exist in PostgreSQL (in its "orleans" schema); the provider SQL is shared. Times are Unix milliseconds.

-- One row per grain and state name. A cleared state stays as a tombstone (payload NULL) so its version keeps moving
-- forward: an activation that never saw the row (ETag null) can never re-create a cleared grain.
CREATE TABLE grain_state (
    grain_id   TEXT NOT NULL,        -- GrainId.ToString()
    state_name TEXT NOT NULL,
    payload    BLOB,                 -- the serialized state; NULL for a cleared state
    version    INTEGER NOT NULL,     -- the ETag; +1 on every write and clear
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (grain_id, state_name)
);

-- Durable reminders of one Orleans service. Each silo reads the reminders of its slice of the hash ring.
CREATE TABLE reminders (
    service_id    TEXT NOT NULL,
    grain_id      TEXT NOT NULL,     -- GrainId.ToString()
    reminder_name TEXT NOT NULL,
    grain_hash    INTEGER NOT NULL,  -- GrainId.GetUniformHashCode(): an unsigned 32-bit ring position
    start_at      INTEGER NOT NULL,
    period_ms     INTEGER NOT NULL,
    version       INTEGER NOT NULL,  -- the ETag; changes on every upsert
    PRIMARY KEY (service_id, grain_id, reminder_name)
) WITHOUT ROWID;
CREATE INDEX reminders_by_hash ON reminders (service_id, grain_hash);

-- The membership table of each cluster: one version row, bumped by every membership change...
CREATE TABLE membership_versions (
    cluster_id TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    etag       TEXT NOT NULL         -- a fresh random token with every change
) WITHOUT ROWID;

-- ...and one row per silo incarnation (address, port and generation).
CREATE TABLE membership_silos (
    cluster_id     TEXT NOT NULL,
    address        TEXT NOT NULL,    -- the silo's IP address
    port           INTEGER NOT NULL,
    generation     INTEGER NOT NULL,
    silo_name      TEXT NOT NULL,
    host_name      TEXT NOT NULL,
    status         INTEGER NOT NULL, -- Orleans' SiloStatus
    proxy_port     INTEGER NOT NULL,
    role_name      TEXT,
    update_zone    INTEGER NOT NULL,
    fault_zone     INTEGER NOT NULL,
    suspect_times  TEXT,             -- "silo,time|silo,time" (SiloAddress.ToParsableString(), Unix ms); NULL = none
    start_at       INTEGER NOT NULL,
    i_am_alive_at  INTEGER NOT NULL,
    last_update_at INTEGER NOT NULL, -- the latest of start, i-am-alive and suspicion times: what cleanup ages by
    version        INTEGER NOT NULL, -- the row ETag; +1 on every update, untouched by i-am-alive heartbeats
    PRIMARY KEY (cluster_id, address, port, generation)
) WITHOUT ROWID;
