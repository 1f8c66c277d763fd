-- Idempotency keys are scoped to the requester: a global key let one caller answer, or block, another caller's audit.
ALTER TABLE audit DROP CONSTRAINT audit_idempotency_key_key;
CREATE UNIQUE INDEX audit_by_requester_key ON audit (requested_by, idempotency_key);
