-- What each certificate's statement is about (issue 18): the scope class of its audit, whether the subject's own
-- weights were evaluated, and the statement's subject. For a pipeline check the subject is the probe spec it tested,
-- not the model the audit was requested for (model_id, model_name and model_digest stay that model).
-- Certificates issued before scopes were stated: the subject is the model, the scope NULL (not stated).
ALTER TABLE certificate ADD COLUMN scope_class varchar(32)
  CHECK (scope_class IN ('subject-evaluated', 'pipeline-check', 'self-attested'));
ALTER TABLE certificate ADD COLUMN subject_evaluated boolean;
ALTER TABLE certificate ADD COLUMN subject_name varchar(256);
ALTER TABLE certificate ADD COLUMN subject_digest varchar(80);
UPDATE certificate SET subject_name = model_name, subject_digest = model_digest;
ALTER TABLE certificate ALTER COLUMN subject_name SET NOT NULL, ALTER COLUMN subject_digest SET NOT NULL;
CREATE INDEX certificate_by_subject ON certificate (subject_digest, issued_at DESC);
