-- A family of several roots (a merge, or roots asserted to share an init) counted its members by grouping every
-- model_root row of those roots: at a million models that read a hundred thousand rows. Its size is now the sum of
-- the roots' sizes less the models counted twice, and only models with several roots can be counted twice: each
-- row carries its model's root count, and a partial index holds just those rows.
ALTER TABLE model_root ADD COLUMN root_count smallint;
UPDATE model_root r SET root_count = c.n
  FROM (SELECT model_id, count(*) AS n FROM model_root GROUP BY model_id) c
 WHERE c.model_id = r.model_id;
ALTER TABLE model_root ALTER COLUMN root_count SET NOT NULL;
ALTER TABLE model_root ADD CONSTRAINT model_root_root_count_check CHECK (root_count >= 1);
CREATE INDEX model_root_shared ON model_root (root_id, model_id) WHERE root_count > 1;

-- Exposure rows are the bulk of every ingest (four per model at a million models). The surrogate id and its
-- sequence served no reader, so (model_id, path_key) becomes the primary key; and the rows are derived data that
-- the service writes in the transaction that wrote the model, so the per-row foreign-key check goes too.
ALTER TABLE exposure
  DROP COLUMN id,
  DROP CONSTRAINT exposure_model_id_path_key_key,
  DROP CONSTRAINT exposure_model_id_fkey,
  ADD PRIMARY KEY (model_id, path_key);
