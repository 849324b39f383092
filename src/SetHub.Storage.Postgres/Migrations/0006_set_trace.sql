-- SetHub schema for PostgreSQL, version 6: the event trace. A queued SET records its publish's txn; a delivered or
-- acknowledged one is kept (state 2 or 3, without its token) until done_at is older than the trace retention. The jti
-- index leads with the tenant, so a jti is found without knowing its stream; it is as unique as before.
ALTER TABLE set_log ADD COLUMN txn text;
ALTER TABLE set_log ADD COLUMN done_at bigint;
ALTER TABLE set_log ADD COLUMN reissued_from text; -- the jti of the dead letter a re-drive re-issued it from

DROP INDEX set_log_by_jti;
CREATE UNIQUE INDEX set_log_by_jti ON set_log (tenant_id, jti, stream_id);
CREATE INDEX set_log_by_txn ON set_log (tenant_id, txn) WHERE txn IS NOT NULL;
CREATE INDEX set_log_done ON set_log (tenant_id, stream_id, done_at) WHERE state IN (2, 3);
