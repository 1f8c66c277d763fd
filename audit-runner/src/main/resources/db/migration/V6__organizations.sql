-- Audits and their runs belong to an organisation: every read, list and cancel is scoped to it. Audits stored before
-- organisations existed belong to the default organisation (the Flyway placeholder defaultOrganization).
ALTER TABLE audit ADD COLUMN organization varchar(63);
UPDATE audit SET organization = '${defaultOrganization}';
ALTER TABLE audit ALTER COLUMN organization SET NOT NULL;
-- A run's organisation is its audit's; stored on the run too, so a run is never read without its boundary.
ALTER TABLE audit_run ADD COLUMN organization varchar(63);
UPDATE audit_run r SET organization = a.organization FROM audit a WHERE a.id = r.audit_id;
ALTER TABLE audit_run ALTER COLUMN organization SET NOT NULL;

-- Idempotency keys are the requester's within an organisation: a caller in two organisations has two key spaces.
DROP INDEX audit_by_requester_key;
CREATE UNIQUE INDEX audit_by_organization_requester_key ON audit (organization, requested_by, idempotency_key);
-- Listing (newest first, optionally by state) and the organisation's quota checks.
CREATE INDEX audit_by_organization_created ON audit (organization, created_at DESC, id);
CREATE INDEX audit_by_organization_state ON audit (organization, state, created_at DESC, id);
CREATE INDEX audit_in_flight_by_organization ON audit (organization) WHERE state = 'RUNNING';

-- A platform admin's overrides of the organisation quotas (runner.quotas.organization.*); null keeps the default.
CREATE TABLE organization_quota (
  organization          varchar(63)       PRIMARY KEY,
  max_audits_in_flight  integer           CHECK (max_audits_in_flight >= 0),
  gpu_hours_per_period  double precision  CHECK (gpu_hours_per_period >= 0),
  updated_by            varchar(256)      NOT NULL,
  updated_at            timestamp(6) with time zone NOT NULL
);

-- Events written before the upgrade and not yet sent carry the organisation their rows moved into: consumers refuse an
-- event without one (they never default it), so without this they would be lost.
UPDATE outbox_event
   SET payload = jsonb_set(CAST(payload AS jsonb), '{data,organization}', to_jsonb(CAST('${defaultOrganization}' AS text)))::text
 WHERE published_at IS NULL
   AND jsonb_typeof(CAST(payload AS jsonb) -> 'data') = 'object'
   AND NOT (CAST(payload AS jsonb) -> 'data') ? 'organization';
