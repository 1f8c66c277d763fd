-- Organisations (issue 20). Every lineage row belongs to an organisation, and ids are unique per organisation: the
-- natural keys become (organization, id). A reference names the organisation of the row it points to, which is the
-- referencing row's own or the public catalogue's ('public'); the service keeps an organisation's ids and the
-- public catalogue's disjoint, so within one organisation's view an id still names one row, and the graph SQL keeps
-- joining on ids, now paired with their organisation. Rows already here move into ${defaultOrganization}.

-- Foreign keys go first: they hang on the primary keys about to change.
ALTER TABLE model_base DROP CONSTRAINT model_base_model_id_fkey, DROP CONSTRAINT model_base_base_id_fkey;
ALTER TABLE model_root DROP CONSTRAINT model_root_model_id_fkey, DROP CONSTRAINT model_root_root_id_fkey;
ALTER TABLE root_family_size DROP CONSTRAINT root_family_size_root_id_fkey;
ALTER TABLE dataset DROP CONSTRAINT dataset_generated_by_fkey;
ALTER TABLE training_run DROP CONSTRAINT training_run_output_model_fkey;
ALTER TABLE training_run_dataset DROP CONSTRAINT training_run_dataset_run_id_fkey,
                                 DROP CONSTRAINT training_run_dataset_dataset_id_fkey;
ALTER TABLE shared_init_assertion DROP CONSTRAINT shared_init_assertion_root_a_fkey,
                                  DROP CONSTRAINT shared_init_assertion_root_b_fkey,
                                  DROP CONSTRAINT shared_init_assertion_root_a_root_b_key;

ALTER TABLE model ADD COLUMN organization varchar(63) NOT NULL DEFAULT '${defaultOrganization}';
ALTER TABLE model_base ADD COLUMN organization varchar(63) NOT NULL DEFAULT '${defaultOrganization}',
                       ADD COLUMN base_organization varchar(63) NOT NULL DEFAULT '${defaultOrganization}';
ALTER TABLE model_root ADD COLUMN organization varchar(63) NOT NULL DEFAULT '${defaultOrganization}';
-- Family sizes are counted per organisation of the members: a public root's family spans organisations, and each
-- organisation sees (and counts) only its own members and the public ones.
ALTER TABLE root_family_size ADD COLUMN organization varchar(63) NOT NULL DEFAULT '${defaultOrganization}';
ALTER TABLE dataset ADD COLUMN organization varchar(63) NOT NULL DEFAULT '${defaultOrganization}',
                    ADD COLUMN generator_organization varchar(63);
UPDATE dataset SET generator_organization = organization WHERE generated_by IS NOT NULL;
ALTER TABLE training_run ADD COLUMN organization varchar(63) NOT NULL DEFAULT '${defaultOrganization}';
ALTER TABLE training_run_dataset ADD COLUMN organization varchar(63) NOT NULL DEFAULT '${defaultOrganization}',
                                 ADD COLUMN dataset_organization varchar(63) NOT NULL DEFAULT '${defaultOrganization}';
ALTER TABLE shared_init_assertion ADD COLUMN organization varchar(63) NOT NULL DEFAULT '${defaultOrganization}';
ALTER TABLE exposure ADD COLUMN organization varchar(63) NOT NULL DEFAULT '${defaultOrganization}';

ALTER TABLE model ALTER COLUMN organization DROP DEFAULT;
ALTER TABLE model_base ALTER COLUMN organization DROP DEFAULT, ALTER COLUMN base_organization DROP DEFAULT;
ALTER TABLE model_root ALTER COLUMN organization DROP DEFAULT;
ALTER TABLE root_family_size ALTER COLUMN organization DROP DEFAULT;
ALTER TABLE dataset ALTER COLUMN organization DROP DEFAULT;
ALTER TABLE training_run ALTER COLUMN organization DROP DEFAULT;
ALTER TABLE training_run_dataset ALTER COLUMN organization DROP DEFAULT, ALTER COLUMN dataset_organization DROP DEFAULT;
ALTER TABLE shared_init_assertion ALTER COLUMN organization DROP DEFAULT;
ALTER TABLE exposure ALTER COLUMN organization DROP DEFAULT;

ALTER TABLE model DROP CONSTRAINT model_pkey, ADD PRIMARY KEY (organization, id);
ALTER TABLE dataset DROP CONSTRAINT dataset_pkey, ADD PRIMARY KEY (organization, id);
ALTER TABLE training_run DROP CONSTRAINT training_run_pkey, ADD PRIMARY KEY (organization, id);
ALTER TABLE model_base DROP CONSTRAINT model_base_pkey, ADD PRIMARY KEY (organization, model_id, base_id);
ALTER TABLE model_root DROP CONSTRAINT model_root_pkey, ADD PRIMARY KEY (organization, model_id, root_id);
ALTER TABLE root_family_size DROP CONSTRAINT root_family_size_pkey, ADD PRIMARY KEY (root_id, organization, slot);
ALTER TABLE training_run_dataset DROP CONSTRAINT training_run_dataset_pkey,
                                 ADD PRIMARY KEY (organization, run_id, dataset_id);
ALTER TABLE shared_init_assertion ADD UNIQUE (organization, root_a, root_b);
ALTER TABLE exposure DROP CONSTRAINT exposure_pkey, ADD PRIMARY KEY (organization, model_id, path_key);

-- A row references its own organisation's rows or the public catalogue's; a public row only public ones.
ALTER TABLE model_base
  ADD FOREIGN KEY (organization, model_id) REFERENCES model (organization, id),
  ADD FOREIGN KEY (base_organization, base_id) REFERENCES model (organization, id),
  ADD CHECK (base_organization IN (organization, 'public'));
ALTER TABLE model_root ADD FOREIGN KEY (organization, model_id) REFERENCES model (organization, id);
ALTER TABLE dataset
  ADD FOREIGN KEY (generator_organization, generated_by) REFERENCES model (organization, id),
  ADD CHECK ((generated_by IS NULL) = (generator_organization IS NULL)),
  ADD CHECK (generator_organization IN (organization, 'public'));
-- A run's output is its own organisation's model: an organisation never adds training data to a public model.
ALTER TABLE training_run ADD FOREIGN KEY (organization, output_model) REFERENCES model (organization, id);
ALTER TABLE training_run_dataset
  ADD FOREIGN KEY (organization, run_id) REFERENCES training_run (organization, id),
  ADD FOREIGN KEY (dataset_organization, dataset_id) REFERENCES dataset (organization, id),
  ADD CHECK (dataset_organization IN (organization, 'public'));
-- Roots (materialised, derived like exposure rows) and asserted roots may be public models: they are checked by the
-- service in the writing transaction, not by a foreign key that would have to name their organisation.

-- The graph walks and listings, keyed by organisation first.
DROP INDEX model_created;
CREATE INDEX model_created ON model (organization, created_at DESC, id);
DROP INDEX model_base_by_base;
CREATE INDEX model_base_by_base ON model_base (base_organization, base_id, organization, model_id);
DROP INDEX model_root_by_root;
CREATE INDEX model_root_by_root ON model_root (root_id, organization, model_id);
DROP INDEX model_root_shared;
CREATE INDEX model_root_shared ON model_root (root_id, organization, model_id) WHERE root_count > 1;
DROP INDEX dataset_by_generator;
CREATE INDEX dataset_by_generator ON dataset (generator_organization, generated_by) WHERE generated_by IS NOT NULL;
CREATE INDEX dataset_created ON dataset (organization, created_at DESC, id);
DROP INDEX training_run_by_output;
CREATE INDEX training_run_by_output ON training_run (organization, output_model);
DROP INDEX training_run_dataset_by_dataset;
CREATE INDEX training_run_dataset_by_dataset ON training_run_dataset (dataset_organization, dataset_id);
DROP INDEX exposure_by_level;
CREATE INDEX exposure_by_level ON exposure (organization, level, detected_at DESC, model_id);
-- The public catalogue's ids and the organisations' are kept disjoint: a public write looks its ids up in every
-- organisation.
CREATE INDEX model_by_id ON model (id);
CREATE INDEX dataset_by_id ON dataset (id);
CREATE INDEX training_run_by_id ON training_run (id);

-- Events written before the upgrade and not yet sent carry the organisation their rows moved into: consumers refuse an
-- event without one (they never default it), so without this they would be lost.
UPDATE outbox_event
   SET payload = jsonb_set(CAST(payload AS jsonb), '{data,organization}', to_jsonb(CAST('${defaultOrganization}' AS text)))::text
 WHERE published_at IS NULL
   AND jsonb_typeof(CAST(payload AS jsonb) -> 'data') = 'object'
   AND NOT (CAST(payload AS jsonb) -> 'data') ? 'organization';
