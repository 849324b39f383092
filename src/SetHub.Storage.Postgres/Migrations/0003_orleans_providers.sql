-- SetHub schema for PostgreSQL, version 3: the tables behind SetHub's own Orleans providers (grain state, reminders,
-- membership). They belong to the Orleans service or cluster, not to a tenant, so they live in a schema of their own
-- and are keyed by Orleans identities (the public schema stays keyed by tenant, ready for distribution by tenant).
-- The same tables exist in SQLite; the provider SQL is shared. Times are Unix milliseconds.

CREATE SCHEMA orleans;

-- One row per grain and state name. A cleared state stays as a tombstone (payload NULL) so its version keeps moving
-- forward: an activation that never saw the row (ETag null) can never re-create a cleared grain.
CREATE TABLE orleans.grain_state (
    grain_id   text NOT NULL,        -- GrainId.ToString()
    state_name text NOT NULL,
    payload    bytea,                -- the serialized state; NULL for a cleared state
    version    bigint NOT NULL,      -- the ETag; +1 on every write and clear
    updated_at bigint NOT NULL,
    PRIMARY KEY (grain_id, state_name)
);

-- Durable reminders of one Orleans service. Each silo reads the reminders of its slice of the hash ring.
CREATE TABLE orleans.reminders (
    service_id    text NOT NULL,
    grain_id      text NOT NULL,     -- GrainId.ToString()
    reminder_name text NOT NULL,
    grain_hash    bigint NOT NULL,   -- GrainId.GetUniformHashCode(): an unsigned 32-bit ring position
    start_at      bigint NOT NULL,
    period_ms     bigint NOT NULL,
    version       bigint NOT NULL,   -- the ETag; changes on every upsert
    PRIMARY KEY (service_id, grain_id, reminder_name)
);
CREATE INDEX reminders_by_hash ON orleans.reminders (service_id, grain_hash);

-- The membership table of each cluster: one version row, bumped (and locked) by every membership change...
CREATE TABLE orleans.membership_versions (
    cluster_id text PRIMARY KEY,
    version    bigint NOT NULL,
    etag       text NOT NULL         -- a fresh random token with every change
);

-- ...and one row per silo incarnation (address, port and generation).
CREATE TABLE orleans.membership_silos (
    cluster_id     text NOT NULL,
    address        text NOT NULL,    -- the silo's IP address
    port           integer NOT NULL,
    generation     integer NOT NULL,
    silo_name      text NOT NULL,
    host_name      text NOT NULL,
    status         integer NOT NULL, -- Orleans' SiloStatus
    proxy_port     integer NOT NULL,
    role_name      text,
    update_zone    integer NOT NULL,
    fault_zone     integer NOT NULL,
    suspect_times  text,             -- "silo,time|silo,time" (SiloAddress.ToParsableString(), Unix ms); NULL = none
    start_at       bigint NOT NULL,
    i_am_alive_at  bigint NOT NULL,
    last_update_at bigint NOT NULL,  -- the latest of start, i-am-alive and suspicion times: what cleanup ages by
    version        bigint NOT NULL,  -- the row ETag; +1 on every update, untouched by i-am-alive heartbeats
    PRIMARY KEY (cluster_id, address, port, generation)
);
