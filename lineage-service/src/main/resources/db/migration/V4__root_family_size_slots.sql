-- One family-size row per root made every model insert under that root update the same row, so concurrent writes
-- to one family queued on its row lock until each commit. Each root now has up to 16 counter slots: a write adds
-- to one slot (chosen per transaction), a read sums the root's slots.
ALTER TABLE root_family_size ADD COLUMN slot smallint NOT NULL DEFAULT 0 CHECK (slot BETWEEN 0 AND 15);
ALTER TABLE root_family_size DROP CONSTRAINT root_family_size_pkey;
ALTER TABLE root_family_size ADD PRIMARY KEY (root_id, slot);
ALTER TABLE root_family_size ALTER COLUMN slot DROP DEFAULT;
