-- SetHub schema, version 1. Every table's key starts with tenant_id (settings excepted), mirroring the
-- PostgreSQL schema so both stores behave alike. Times are Unix milliseconds.

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE tenants (
    tenant_id        TEXT PRIMARY KEY,
    display_name     TEXT,
    default_subjects TEXT NOT NULL,
    events_supported TEXT,              -- JSON array, NULL = built-in vocabularies
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE credentials (
    tenant_id   TEXT NOT NULL,
    token_hash  TEXT NOT NULL,          -- base64url(SHA-256(token)); tokens themselves are never stored
    kind        TEXT NOT NULL,          -- 'tenant' | 'receiver'
    receiver_id TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, token_hash)
) WITHOUT ROWID;

CREATE TABLE receivers (
    tenant_id   TEXT NOT NULL,
    receiver_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    audience    TEXT NOT NULL,
    signing_alg TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, receiver_id)
) WITHOUT ROWID;

CREATE TABLE signing_keys (
    tenant_id   TEXT NOT NULL,
    kid         TEXT NOT NULL,
    alg         TEXT NOT NULL,
    public_jwk  TEXT NOT NULL,
    private_key BLOB NOT NULL,          -- PKCS#8, AES-256-GCM under the master key
    created_at  INTEGER NOT NULL,
    retired_at  INTEGER,
    PRIMARY KEY (tenant_id, kid)
) WITHOUT ROWID;

CREATE TABLE streams (
    tenant_id            TEXT NOT NULL,
    stream_id            TEXT NOT NULL,
    receiver_id          TEXT NOT NULL,
    audience             TEXT NOT NULL,
    events_requested     TEXT,          -- JSON array, NULL = not requested
    events_delivered     TEXT NOT NULL, -- JSON array
    delivery_method      TEXT NOT NULL,
    endpoint_url         TEXT NOT NULL,
    authorization_header BLOB,          -- AES-256-GCM under the master key
    description          TEXT,
    status               TEXT NOT NULL,
    status_reason        TEXT,
    signing_alg          TEXT NOT NULL,
    default_subjects     TEXT NOT NULL,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    version              INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, stream_id)
) WITHOUT ROWID;

CREATE INDEX streams_by_receiver ON streams (tenant_id, receiver_id, created_at);

CREATE TABLE stream_subjects (
    tenant_id    TEXT NOT NULL,
    stream_id    TEXT NOT NULL,
    subject_key  TEXT NOT NULL,         -- base64url(SHA-256(canonical subject JSON))
    subject_json TEXT NOT NULL,         -- canonical subject JSON
    included     INTEGER NOT NULL,      -- 1 = added (NONE streams), 0 = removed (ALL streams)
    verified     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, stream_id, subject_key)
) WITHOUT ROWID;

-- One row per simple identifier of a stream subject: finds the streams interested in an event's subject by
-- index probes instead of a scan of the tenant's streams.
CREATE TABLE subject_index (
    tenant_id   TEXT NOT NULL,
    index_key   TEXT NOT NULL,
    stream_id   TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    PRIMARY KEY (tenant_id, index_key, stream_id, subject_key)
) WITHOUT ROWID;

CREATE INDEX subject_index_by_stream ON subject_index (tenant_id, stream_id, subject_key);

-- The per-stream SET queue. seq orders a stream's SETs; due_at says when a row may be delivered next.
CREATE TABLE sets (
    seq        INTEGER PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    stream_id  TEXT NOT NULL,
    jti        TEXT NOT NULL,
    token      TEXT NOT NULL,           -- the compact JWS, signed once
    event_type TEXT NOT NULL,
    is_control INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    due_at     INTEGER NOT NULL,
    attempts   INTEGER NOT NULL,
    state      INTEGER NOT NULL,        -- 0 = queued, 1 = dead letter
    last_error TEXT
);

CREATE UNIQUE INDEX sets_by_jti ON sets (tenant_id, stream_id, jti);
CREATE INDEX sets_queue ON sets (tenant_id, stream_id, seq) WHERE state = 0;
