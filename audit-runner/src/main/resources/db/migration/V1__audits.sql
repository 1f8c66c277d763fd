-- An audit: one request, its plan of runs, its state and, once aggregated, its verdict.
CREATE TABLE audit (
  id               uuid          PRIMARY KEY,
  idempotency_key  varchar(200)  NOT NULL UNIQUE,
  -- SHA-256 of the canonical request: the same key with another request is refused, not silently answered.
  request_hash     varchar(64)   NOT NULL,
  protocol         varchar(32)   NOT NULL,
  student          varchar(128)  NOT NULL,
  teacher          varchar(128),
  dataset          varchar(128),
  request          jsonb         NOT NULL,
  -- What the lineage service said of the student, teacher and dataset when the audit was accepted.
  subjects         jsonb         NOT NULL,
  state            varchar(16)   NOT NULL CHECK (state IN ('RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  outcome          varchar(32),
  analysis         jsonb,
  requested_by     varchar(256)  NOT NULL,
  origin           varchar(300)  NOT NULL,
  runs_total       integer       NOT NULL,
  created_at       timestamp(6) with time zone NOT NULL,
  updated_at       timestamp(6) with time zone NOT NULL,
  finished_at      timestamp(6) with time zone,
  CHECK ((state = 'RUNNING') = (finished_at IS NULL))
);
CREATE INDEX audit_by_state ON audit (state, created_at DESC, id);
CREATE INDEX audit_by_created ON audit (created_at DESC, id);

-- A run: one Job (or local process) of the plan: one seed of one or more arms.
CREATE TABLE audit_run (
  id           uuid          PRIMARY KEY,
  audit_id     uuid          NOT NULL REFERENCES audit (id),
  run_index    integer       NOT NULL,
  job_name     varchar(63)   NOT NULL UNIQUE,
  -- The arms this run scores, comma-separated (arm names have no commas).
  arms         varchar(1000) NOT NULL,
  seed         integer       NOT NULL,
  spec         jsonb         NOT NULL,
  state        varchar(16)   NOT NULL CHECK (state IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  reason       varchar(4000),
  result       jsonb,
  -- Set once the executor accepted the run; a run without it is (re)launched by the reconciler.
  launched_at  timestamp(6) with time zone,
  started_at   timestamp(6) with time zone,
  finished_at  timestamp(6) with time zone,
  updated_at   timestamp(6) with time zone NOT NULL,
  UNIQUE (audit_id, run_index)
);
CREATE INDEX audit_run_open ON audit_run (audit_id) WHERE state IN ('PENDING', 'RUNNING');
CREATE INDEX audit_run_unlaunched ON audit_run (updated_at) WHERE launched_at IS NULL AND state = 'PENDING';

-- Transactional outbox (service-support): events are written with the change that caused them.
CREATE TABLE outbox_event (
  id            uuid          PRIMARY KEY,
  topic         varchar(128)  NOT NULL,
  event_key     varchar(256)  NOT NULL,
  payload       text          NOT NULL,
  created_at    timestamp(6) with time zone NOT NULL,
  published_at  timestamp(6) with time zone
);
CREATE INDEX outbox_unpublished ON outbox_event (created_at) WHERE published_at IS NULL;
