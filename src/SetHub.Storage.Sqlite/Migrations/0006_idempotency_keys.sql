-- SetHub schema for SQLite, version 6: the Idempotency-Key records of the publish API, kept 24 hours and purged by
-- created_at. Times are Unix milliseconds.
CREATE TABLE idempotency_keys (
    tenant_id       TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    request_hash    TEXT    NOT NULL,
    txn             TEXT    NOT NULL,
    streams         INTEGER,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, idempotency_key)
) WITHOUT ROWID;

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
