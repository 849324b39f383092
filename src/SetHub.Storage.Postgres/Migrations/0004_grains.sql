-- SetHub schema for PostgreSQL, version 4: the rows the grains own and the SET log. Grain state itself lives in
-- grain_state (version 3). Every key starts with tenant_id, so the data distributes by tenant. Times are Unix
-- milliseconds.
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
    tenant_id  text PRIMARY KEY,
    created_at bigint NOT NULL
);

-- A tenant's receivers (TenantGrain). revoked while its streams are being deleted: its token no longer works.
CREATE TABLE tenant_receivers (
    tenant_id   text NOT NULL,
    receiver_id text NOT NULL,
    name        text NOT NULL,
    audience    text NOT NULL,
    signing_alg text NOT NULL,
    token_hash  text NOT NULL,          -- base64url(SHA-256(token)); tokens themselves are never stored
    created_at  bigint NOT NULL,
    revoked     boolean NOT NULL,
    PRIMARY KEY (tenant_id, receiver_id)
);

-- The directory of a tenant's streams that fan-out reads (TenantGrain): one row per stream.
CREATE TABLE tenant_streams (
    tenant_id        text NOT NULL,
    stream_id        text NOT NULL,
    receiver_id      text NOT NULL,
    audience         text NOT NULL,
    signing_alg      text NOT NULL,
    includes_all     boolean NOT NULL,  -- default_subjects ALL: the subject rows are exclusions
    disabled         boolean NOT NULL,
    events_delivered text NOT NULL,     -- JSON array
    created_at       bigint NOT NULL,
    PRIMARY KEY (tenant_id, stream_id)
);

-- Stream subjects filed under each simple identifier they are made of (SubjectGrain, key tenant/index_key).
CREATE TABLE subject_streams (
    tenant_id    text NOT NULL,
    index_key    text NOT NULL,         -- base64url(SHA-256(canonical JSON of one simple identifier))
    stream_id    text NOT NULL,
    subject_key  text NOT NULL,         -- base64url(SHA-256(canonical JSON of the whole subject))
    subject_json text NOT NULL,
    included     boolean NOT NULL,      -- added (NONE streams), or removed (ALL streams)
    verified     boolean NOT NULL,
    created_at   bigint NOT NULL,
    PRIMARY KEY (tenant_id, index_key, stream_id, subject_key)
);

CREATE INDEX subject_streams_by_stream ON subject_streams (tenant_id, stream_id);

-- RISC opt-outs (RISC 1.0 §2.8) filed the same way (SubjectGrain).
CREATE TABLE opt_outs (
    tenant_id    text NOT NULL,
    index_key    text NOT NULL,
    subject_key  text NOT NULL,
    subject_json text NOT NULL,
    created_at   bigint NOT NULL,
    PRIMARY KEY (tenant_id, index_key, subject_key)
);

-- The head of each stream's SET log (StreamGrain): the epoch of the activation that claimed it last (every write to
-- the log is conditional on it, under a share lock of this row), the silo that claimed it, and where push delivery
-- stands.
CREATE TABLE set_heads (
    tenant_id       text NOT NULL,
    stream_id       text NOT NULL,
    epoch           bigint NOT NULL,
    owner           text NOT NULL,
    failures        integer NOT NULL,
    next_attempt_at bigint,
    PRIMARY KEY (tenant_id, stream_id)
);

CREATE INDEX set_heads_by_owner ON set_heads (owner);

-- Each stream's SET log. pos orders a stream's SETs; state 0 = queued, 1 = dead letter. Delivered and acknowledged SETs
-- are deleted. queued_at starts the MaxDeliveryAge clock (a re-drive restarts it).
CREATE TABLE set_log (
    tenant_id  text NOT NULL,
    stream_id  text NOT NULL,
    pos        bigint NOT NULL,
    jti        text NOT NULL,
    token      text NOT NULL,           -- the compact JWS, signed once
    event_type text NOT NULL,
    is_control boolean NOT NULL,
    created_at bigint NOT NULL,
    queued_at  bigint NOT NULL,
    attempts   integer NOT NULL,
    state      integer NOT NULL,
    last_error text,
    PRIMARY KEY (tenant_id, stream_id, pos)
);

CREATE UNIQUE INDEX set_log_by_jti ON set_log (tenant_id, stream_id, jti);
CREATE INDEX set_log_queued ON set_log (tenant_id, stream_id, pos) WHERE state = 0;
