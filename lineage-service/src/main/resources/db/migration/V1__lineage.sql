-- Lineage records are immutable once written: an identical re-post is a no-op, a different one a conflict.

CREATE TABLE model (
  id          varchar(128)  PRIMARY KEY,
  name        varchar(256)  NOT NULL,
  uri         varchar(1024),
  revision    varchar(256),
  digest      varchar(128),
  created_at  timestamp(6) with time zone NOT NULL
);
CREATE INDEX model_created ON model (created_at DESC, id);

-- Declared bases. A model without rows here is a root (pretrained).
CREATE TABLE model_base (
  model_id  varchar(128) NOT NULL REFERENCES model (id),
  base_id   varchar(128) NOT NULL REFERENCES model (id),
  relation  varchar(16)  NOT NULL CHECK (relation IN ('finetune', 'adapter', 'quantized', 'merge')),
  position  integer      NOT NULL,
  PRIMARY KEY (model_id, base_id),
  CHECK (model_id <> base_id)
);
CREATE INDEX model_base_by_base ON model_base (base_id, model_id);

-- The roots each model descends from, materialised at insert (models are immutable, so this never goes stale).
CREATE TABLE model_root (
  model_id  varchar(128) NOT NULL REFERENCES model (id),
  root_id   varchar(128) NOT NULL REFERENCES model (id),
  PRIMARY KEY (model_id, root_id)
);
CREATE INDEX model_root_by_root ON model_root (root_id, model_id);

CREATE TABLE dataset (
  id            varchar(128) PRIMARY KEY,
  name          varchar(256) NOT NULL,
  digest        varchar(128),
  row_count     bigint       CHECK (row_count >= 0),
  origin        varchar(16)  NOT NULL CHECK (origin IN ('model', 'human', 'unknown')),
  generated_by  varchar(128) REFERENCES model (id),
  generation    jsonb,
  created_at    timestamp(6) with time zone NOT NULL,
  CHECK ((origin = 'model') = (generated_by IS NOT NULL))
);
CREATE INDEX dataset_by_generator ON dataset (generated_by) WHERE generated_by IS NOT NULL;

CREATE TABLE training_run (
  id               varchar(128) PRIMARY KEY,
  output_model     varchar(128) NOT NULL REFERENCES model (id),
  method           varchar(16)  NOT NULL CHECK (method IN ('sft', 'lora', 'distill', 'rl')),
  hyperparameters  jsonb,
  created_at       timestamp(6) with time zone NOT NULL
);
CREATE INDEX training_run_by_output ON training_run (output_model);

CREATE TABLE training_run_dataset (
  run_id      varchar(128) NOT NULL REFERENCES training_run (id),
  dataset_id  varchar(128) NOT NULL REFERENCES dataset (id),
  PRIMARY KEY (run_id, dataset_id)
);
CREATE INDEX training_run_dataset_by_dataset ON training_run_dataset (dataset_id);

-- "These roots share an init", asserted by a person; root_a < root_b so each pair is stored once.
CREATE TABLE shared_init_assertion (
  id           uuid          PRIMARY KEY,
  root_a       varchar(128)  NOT NULL REFERENCES model (id),
  root_b       varchar(128)  NOT NULL REFERENCES model (id),
  reason       varchar(2000) NOT NULL,
  asserted_by  varchar(256)  NOT NULL,
  created_at   timestamp(6) with time zone NOT NULL,
  UNIQUE (root_a, root_b),
  CHECK (root_a < root_b)
);

-- Materialised exposure paths: one row per model and hop chain, kept current by every write.
CREATE TABLE exposure (
  id             bigserial     PRIMARY KEY,
  model_id       varchar(128)  NOT NULL REFERENCES model (id),
  path_key       char(64)      NOT NULL,
  level          varchar(16)   NOT NULL CHECK (level IN ('SAME_INIT', 'CROSS_FAMILY', 'UNKNOWN')),
  trained_model  varchar(128)  NOT NULL,
  dataset_id     varchar(128)  NOT NULL,
  teacher_id     varchar(128),
  hop_count      integer       NOT NULL,
  path           jsonb         NOT NULL,
  detected_at    timestamp(6) with time zone NOT NULL,
  UNIQUE (model_id, path_key)
);
CREATE INDEX exposure_by_level ON exposure (level, detected_at DESC, model_id);

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
