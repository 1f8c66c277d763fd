-- Organisations (issue 20): every certificate, with its revocation, belongs to the organisation of the audit it was
-- issued from. Certificates issued before organisations existed move into the default organisation (the Flyway
-- placeholder defaultOrganization, set by quarkus.flyway.placeholders.defaultOrganization).
ALTER TABLE certificate ADD COLUMN organization varchar(63);
UPDATE certificate SET organization = '${defaultOrganization}';
ALTER TABLE certificate ALTER COLUMN organization SET NOT NULL;

-- Every list is scoped to an organisation first: the indexes lead with it.
DROP INDEX certificate_by_model;
DROP INDEX certificate_by_name;
DROP INDEX certificate_by_verdict;
DROP INDEX certificate_issued;
DROP INDEX certificate_by_subject;
CREATE INDEX certificate_by_model ON certificate (organization, model_id, issued_at DESC);
CREATE INDEX certificate_by_name ON certificate (organization, model_name, issued_at DESC);
CREATE INDEX certificate_by_verdict ON certificate (organization, verdict, issued_at DESC);
CREATE INDEX certificate_issued ON certificate (organization, issued_at DESC, id);
CREATE INDEX certificate_by_subject ON certificate (organization, subject_digest, issued_at DESC);

-- Events written before the upgrade and not yet sent carry the organisation their rows moved into: consumers refuse an
-- event without one (they never default it), so without this they would be lost.
UPDATE outbox_event
   SET payload = jsonb_set(CAST(payload AS jsonb), '{data,organization}', to_jsonb(CAST('${defaultOrganization}' AS text)))::text
 WHERE published_at IS NULL
   AND jsonb_typeof(CAST(payload AS jsonb) -> 'data') = 'object'
   AND NOT (CAST(payload AS jsonb) -> 'data') ? 'organization';
