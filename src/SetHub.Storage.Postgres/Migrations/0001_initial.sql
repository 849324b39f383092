-- SetHub schema for PostgreSQL, version 1. Every table's primary key starts with tenant_id (settings and
-- schema_migrations excepted), so the schema can be distributed by tenant (e.g. Citus). Times are Unix milliseconds.

CREATE TABLE settings (
    name  text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE tenants (
    tenant_id                 text PRIMARY KEY,
    display_name              text,
    default_subjects          text NOT NULL,
    events_supported          text,           -- JSON array, NULL = built-in vocabularies
    inactivity_timeout        bigint,         -- seconds, default for new streams
    min_verification_interval bigint,         -- seconds, default for new streams
    created_at                bigint NOT NULL,
    updated_at                bigint NOT NULL
);

CREATE TABLE credentials (
    tenant_id   text NOT NULL,
    token_hash  text NOT NULL,                -- base64url(SHA-256(token)); tokens themselves are never stored
    kind        text NOT NULL,                -- 'tenant' | 'receiver'
    receiver_id text,
    created_at  bigint NOT NULL,
    PRIMARY KEY (tenant_id, token_hash)
);

CREATE TABLE receivers (
    tenant_id   text NOT NULL,
    receiver_id text NOT NULL,
    name        text NOT NULL,
    audience    text NOT NULL,
    signing_alg text NOT NULL,
    created_at  bigint NOT NULL,
    PRIMARY KEY (tenant_id, receiver_id)
);

CREATE TABLE signing_keys (
    tenant_id   text NOT NULL,
    kid         text NOT NULL,
    alg         text NOT NULL,
    public_jwk  text NOT NULL,
    private_key bytea NOT NULL,               -- PKCS#8, AES-256-GCM under the master key
    created_at  bigint NOT NULL,
    retired_at  bigint,
    PRIMARY KEY (tenant_id, kid)
);

CREATE TABLE streams (
    tenant_id                 text NOT NULL,
    stream_id                 text NOT NULL,
    receiver_id               text NOT NULL,
    audience                  text NOT NULL,
    events_requested          text,           -- JSON array, NULL = not requested
    events_delivered          text NOT NULL,  -- JSON array
    delivery_method           text NOT NULL,
    endpoint_url              text NOT NULL,
    authorization_header      bytea,          -- AES-256-GCM under the master key
    description               text,
    status                    text NOT NULL,
    status_reason             text,
    signing_alg               text NOT NULL,
    default_subjects          text NOT NULL,
    created_at                bigint NOT NULL,
    updated_at                bigint NOT NULL,
    version                   bigint NOT NULL,
    inactivity_timeout        bigint,         -- seconds, NULL = none
    min_verification_interval bigint,         -- seconds, NULL = none
    last_activity_at          bigint,
    last_verification_at      bigint,
    PRIMARY KEY (tenant_id, stream_id)
);

CREATE INDEX streams_by_receiver ON streams (tenant_id, receiver_id, created_at);
CREATE INDEX streams_inactivity ON streams (last_activity_at) WHERE inactivity_timeout IS NOT NULL AND status = 'enabled';
CREATE INDEX streams_all_subjects ON streams (tenant_id) WHERE default_subjects = 'ALL';

CREATE TABLE stream_subjects (
    tenant_id    text NOT NULL,
    stream_id    text NOT NULL,
    subject_key  text NOT NULL,               -- base64url(SHA-256(canonical subject JSON))
    subject_json text NOT NULL,               -- canonical subject JSON
    included     boolean NOT NULL,            -- true = added (NONE streams), false = removed (ALL streams)
    verified     boolean NOT NULL,
    created_at   bigint NOT NULL,
    PRIMARY KEY (tenant_id, stream_id, subject_key)
);

-- One row per simple identifier of a stream subject: finds the streams interested in an event's subject by
-- index probes instead of a scan of the tenant's streams.
CREATE TABLE subject_index (
    tenant_id   text NOT NULL,
    index_key   text NOT NULL,
    stream_id   text NOT NULL,
    subject_key text NOT NULL,
    PRIMARY KEY (tenant_id, index_key, stream_id, subject_key)
);

CREATE INDEX subject_index_by_stream ON subject_index (tenant_id, stream_id, subject_key);

-- The per-stream SET queue. seq orders a stream's SETs. lane: 'push', 'poll' or 'held' (paused stream).
-- due_at: when a poll-lane row may be handed out again. queued_at starts the MaxDeliveryAge clock.
CREATE TABLE sets (
    tenant_id  text NOT NULL,
    stream_id  text NOT NULL,
    seq        bigint GENERATED ALWAYS AS IDENTITY,
    jti        text NOT NULL,
    token      text NOT NULL,                 -- the compact JWS, signed once
    event_type text NOT NULL,
    is_control boolean NOT NULL,
    created_at bigint NOT NULL,
    due_at     bigint NOT NULL,
    attempts   integer NOT NULL,
    state      integer NOT NULL,              -- 0 = queued, 1 = dead letter
    last_error text,
    lane       text NOT NULL,
    queued_at  bigint NOT NULL,
    PRIMARY KEY (tenant_id, stream_id, seq)
);

CREATE UNIQUE INDEX sets_by_jti ON sets (tenant_id, stream_id, jti);
CREATE INDEX sets_lane ON sets (tenant_id, stream_id, lane, seq) WHERE state = 0;
CREATE INDEX sets_expiry ON sets (queued_at) WHERE state = 0;

-- Push work, one row per push stream: when it next has something to send, who holds its lease, and its
-- consecutive failures (the retry backoff is per stream).
CREATE TABLE delivery_schedule (
    tenant_id    text NOT NULL,
    stream_id    text NOT NULL,
    due_at       bigint,                      -- NULL: nothing to send (or claimed, see leased_until)
    leased_until bigint,
    lease_owner  text,
    failures     integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, stream_id)
);

CREATE INDEX delivery_schedule_due ON delivery_schedule (due_at) WHERE due_at IS NOT NULL AND leased_until IS NULL;
CREATE INDEX delivery_schedule_leases ON delivery_schedule (leased_until) WHERE leased_until IS NOT NULL;

-- RISC opt-out (RISC 1.0 §2.8): subjects that opted out of every stream of their tenant, indexed like stream subjects.
CREATE TABLE subject_opt_outs (
    tenant_id    text NOT NULL,
    subject_key  text NOT NULL,
    subject_json text NOT NULL,
    created_at   bigint NOT NULL,
    PRIMARY KEY (tenant_id, subject_key)
);

CREATE TABLE opt_out_index (
    tenant_id   text NOT NULL,
    index_key   text NOT NULL,
    subject_key text NOT NULL,
    PRIMARY KEY (tenant_id, index_key, subject_key)
);
