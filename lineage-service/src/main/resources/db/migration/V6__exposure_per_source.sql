-- Exposure paths multiply hop by hop: a model trained on n datasets of a teacher trained on n datasets of another
-- has n^2 paths to the second, and one row (and one announcement) per path made a three-hop import with 12 datasets
-- a hop store 1,884 rows for one student. A model now keeps one row per source (the generator at the far end of the
-- chain, or the dataset where that generator is unknown) and level: the shortest path (fewest hops, then fewest
-- steps, ties broken by a fixed order) and how many other paths reach that source at that level. path_key becomes the
-- SHA-256 of 'source|level', the exposure's identity whatever path represents it.
--
-- Rows already here collapse the same way. Their other_paths counts the distinct hop chains they held; the service
-- counts routes (a hop chain reached through two base routes is two), and recounts a model's rows whenever a write
-- re-analyses it.
ALTER TABLE exposure ADD COLUMN other_paths bigint NOT NULL DEFAULT 0 CHECK (other_paths >= 0);

CREATE TEMPORARY TABLE exposure_by_source ON COMMIT DROP AS
SELECT model_id, path_key, level, trained_model, dataset_id, teacher_id, hop_count, path, detected_at,
       CASE WHEN path -> -1 ->> 'relation' = 'generated-by' THEN 'model:' || (path -> -1 ->> 'model')
            ELSE 'dataset:' || (path -> -1 ->> 'dataset') END AS source
  FROM exposure;

DELETE FROM exposure;

INSERT INTO exposure (model_id, path_key, level, trained_model, dataset_id, teacher_id, hop_count, path, detected_at,
                      other_paths)
SELECT model_id, encode(sha256(convert_to(source || '|' || level, 'UTF8')), 'hex'), level, trained_model, dataset_id,
       teacher_id, hop_count, path, first_detected, paths - 1
  FROM (SELECT e.*,
               row_number() OVER w AS rank,
               count(*) OVER (PARTITION BY model_id, source, level) AS paths,
               min(detected_at) OVER (PARTITION BY model_id, source, level) AS first_detected
          FROM exposure_by_source e
        WINDOW w AS (PARTITION BY model_id, source, level
                     ORDER BY hop_count, jsonb_array_length(path), CAST(path AS text))) ranked
 WHERE rank = 1;

ALTER TABLE exposure ALTER COLUMN other_paths DROP DEFAULT;
