-- What an audit reserves against its requester's daily GPU-hours (runner.quotas.gpu-hours-per-day): runs × GPUs per run ×
-- deadline, in GPU-seconds, fixed when it is accepted. Audits accepted before quotas existed reserve what their request says.
ALTER TABLE audit ADD COLUMN gpu_seconds_reserved bigint NOT NULL DEFAULT 0 CHECK (gpu_seconds_reserved >= 0);
UPDATE audit SET gpu_seconds_reserved = runs_total
    * COALESCE(CAST(request #>> '{resources,gpus}' AS bigint), 0)
    * COALESCE(CAST(request #>> '{resources,deadlineSeconds}' AS bigint), 0);
-- The quota checks: a caller's audits in flight, and its audits of the last 24 hours.
CREATE INDEX audit_in_flight_by_requester ON audit (requested_by) WHERE state = 'RUNNING';
CREATE INDEX audit_by_requester_created ON audit (requested_by, created_at);
