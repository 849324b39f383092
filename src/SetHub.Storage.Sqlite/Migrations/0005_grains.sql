-- SetHub schema for SQLite, version 5: the rows the grains own and the SET log. Grain state itself lives in
-- grain_state (version 4). Times are Unix milliseconds.
--
-- The engine before Orleans kept leases, claims and upkeep timers in the database; Orleans' single activation,
-- timers and reminders do those jobs now, so their tables go. Its tenants, streams, subjects and queued SETs now live
-- in grain state and the tables below, in shapes the old rows do not map to without the grains' own logic (signing
-- keys, credential versions, log positions): this build does not import them. A store that holds any is refused
-- before anything changes, so nothing accepted is dropped by an upgrade; a store without any loses only empty tables.
-- refuse-if-any-rows: tenants, streams, sets: written by SetHub before the Orleans engine, which this build does not import
DROP TABLE timers;
DROP TABLE delivery_schedule;
DROP TABLE opt_out_index;
DROP TABLE subject_opt_outs;
DROP TABLE subject_index;
DROP TABLE stream_subjects;
DROP TABLE sets;
DROP TABLE streams;
DROP TABLE signing_keys;
DROP TABLE receivers;
DROP TABLE credentials;
DROP TABLE tenants;

-- Every tenant, for listing them (TenantGrain writes its row when it creates the tenant).
CREATE TABLE tenant_registry (
    tenant_id  TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- A tenant's receivers (TenantGrain). revoked = 1 while its streams are being deleted: its token no longer works.
CREATE TABLE tenant_receivers (
    tenant_id   TEXT NOT NULL,
    receiver_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    audience    TEXT NOT NULL,
    signing_alg TEXT NOT NULL,
    token_hash  TEXT NOT NULL,          -- base64url(SHA-256(token)); tokens themselves are never stored
    created_at  INTEGER NOT NULL,
    revoked     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, receiver_id)
) WITHOUT ROWID;

-- The directory of a tenant's streams that fan-out reads (TenantGrain): one row per stream.
CREATE TABLE tenant_streams (
    tenant_id        TEXT NOT NULL,
    stream_id        TEXT NOT NULL,
    receiver_id      TEXT NOT NULL,
    audience         TEXT NOT NULL,
    signing_alg      TEXT NOT NULL,
    includes_all     INTEGER NOT NULL,  -- default_subjects ALL: the subject rows are exclusions
    disabled         INTEGER NOT NULL,
    events_delivered TEXT NOT NULL,     -- JSON array
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, stream_id)
) WITHOUT ROWID;

-- Stream subjects filed under each simple identifier they are made of (SubjectGrain, key tenant/index_key).
CREATE TABLE subject_streams (
    tenant_id    TEXT NOT NULL,
    index_key    TEXT NOT NULL,         -- base64url(SHA-256(canonical JSON of one simple identifier))
    stream_id    TEXT NOT NULL,
    subject_key  TEXT NOT NULL,         -- base64url(SHA-256(canonical JSON of the whole subject))
    subject_json TEXT NOT NULL,
    included     INTEGER NOT NULL,      -- 1: added (NONE streams); 0: removed (ALL streams)
    verified     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, index_key, stream_id, subject_key)
) WITHOUT ROWID;

CREATE INDEX subject_streams_by_stream ON subject_streams (tenant_id, stream_id);

-- RISC opt-outs (RISC 1.0 §2.8) filed the same way (SubjectGrain).
CREATE TABLE opt_outs (
    tenant_id    TEXT NOT NULL,
    index_key    TEXT NOT NULL,
    subject_key  TEXT NOT NULL,
    subject_json TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, index_key, subject_key)
) WITHOUT ROWID;

-- The head of each stream's SET log (StreamGrain): the epoch of the activation that claimed it last (every write to
-- the log is conditional on it), the silo that claimed it, and where push delivery stands.
CREATE TABLE set_heads (
    tenant_id       TEXT NOT NULL,
    stream_id       TEXT NOT NULL,
    epoch           INTEGER NOT NULL,
    owner           TEXT NOT NULL,
    failures        INTEGER NOT NULL,
    next_attempt_at INTEGER,
    PRIMARY KEY (tenant_id, stream_id)
) WITHOUT ROWID;

CREATE INDEX set_heads_by_owner ON set_heads (owner);

-- Each stream's SET log. pos orders a stream's SETs; state 0 = queued, 1 = dead letter. Delivered and acknowledged SETs
-- are deleted. queued_at starts the MaxDeliveryAge clock (a re-drive restarts it).
CREATE TABLE set_log (
    tenant_id  TEXT NOT NULL,
    stream_id  TEXT NOT NULL,
    pos        INTEGER NOT NULL,
    jti        TEXT NOT NULL,
    token      TEXT NOT NULL,           -- the compact JWS, signed once
    event_type TEXT NOT NULL,
    is_control INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    queued_at  INTEGER NOT NULL,
    attempts   INTEGER NOT NULL,
    state      INTEGER NOT NULL,
    last_error TEXT,
    PRIMARY KEY (tenant_id, stream_id, pos)
) WITHOUT ROWID;

CREATE UNIQUE INDEX set_log_by_jti ON set_log (tenant_id, stream_id, jti);
CREATE INDEX set_log_queued ON set_log (tenant_id, stream_id, pos) WHERE state = 0;
