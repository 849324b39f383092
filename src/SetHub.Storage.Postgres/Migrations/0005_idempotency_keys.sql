-- SetHub schema for PostgreSQL, version 5: the Idempotency-Key records of the publish API, kept 24 hours and purged by
-- created_at. Times are Unix milliseconds.
CREATE TABLE idempotency_keys (
    tenant_id       text    NOT NULL,
    idempotency_key text    NOT NULL,
    request_hash    text    NOT NULL,
    txn             text    NOT NULL,
    streams         integer,
    created_at      bigint  NOT NULL,
    PRIMARY KEY (tenant_id, idempotency_key)
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
