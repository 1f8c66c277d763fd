-- Certificates are immutable once issued, except for their revocation.
CREATE TABLE certificate (
  id                 uuid          PRIMARY KEY,
  audit_id           varchar(128)  NOT NULL UNIQUE,
  model_id           varchar(128)  NOT NULL,
  model_name         varchar(256)  NOT NULL,
  model_digest       varchar(80)   NOT NULL,
  verdict            varchar(32)   NOT NULL CHECK (verdict IN ('TRANSFER_DETECTED', 'NO_TRANSFER_DETECTED', 'INCONCLUSIVE')),
  keyid              varchar(64)   NOT NULL,
  issued_at          timestamp(6) with time zone NOT NULL,
  expires_at         timestamp(6) with time zone NOT NULL,
  -- the signed statement exactly as signed (RFC 8785 bytes as UTF-8 text) and the bundle served to clients
  statement          text          NOT NULL,
  bundle             text          NOT NULL,
  revoked_at         timestamp(6) with time zone,
  revocation_reason  varchar(2000),
  revoked_by         varchar(256),
  CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);
CREATE INDEX certificate_by_model ON certificate (model_id, issued_at DESC);
CREATE INDEX certificate_by_name ON certificate (model_name, issued_at DESC);
CREATE INDEX certificate_by_verdict ON certificate (verdict, issued_at DESC);
CREATE INDEX certificate_issued ON certificate (issued_at DESC, id);
CREATE INDEX certificate_revoked ON certificate (revoked_at) WHERE revoked_at IS NOT NULL;

-- Transactional outbox: events are written with the change that caused them and published after commit,
-- so a Kafka outage delays events but never loses them.
CREATE TABLE outbox_event (
  id            uuid          PRIMARY KEY,
  topic         varchar(128)  NOT NULL,
  event_key     varchar(256)  NOT NULL,
  payload       text          NOT NULL,
  created_at    timestamp(6) with time zone NOT NULL,
  published_at  timestamp(6) with time zone
);
CREATE INDEX outbox_unpublished ON outbox_event (created_at) WHERE published_at IS NULL;
