-- How many models descend from each root, kept by every model insert, so that a family's size is one row read
-- rather than a count over a family that can hold a hundred thousand models.
CREATE TABLE root_family_size (
  root_id  varchar(128) PRIMARY KEY REFERENCES model (id),
  members  bigint       NOT NULL CHECK (members >= 1)
);

INSERT INTO root_family_size (root_id, members)
SELECT root_id, count(*) FROM model_root GROUP BY root_id;
