-- Poison events (service-support's outbox): a send that fails is recorded on the event (last_error, short), counted
-- when the failure is the event's own (attempts), and an event that can never be sent (no channel for its topic, a
-- record too large) or that failed traittrace.outbox.max-attempts times on its own is parked (parked_at) instead of
-- being retried in front of every later event. A parked event stays until an operator requeues it
-- (UPDATE outbox_event SET parked_at = NULL, attempts = 0, last_error = NULL WHERE id = ...).
ALTER TABLE outbox_event
  ADD COLUMN attempts   integer NOT NULL DEFAULT 0,
  ADD COLUMN last_error text,
  ADD COLUMN parked_at  timestamp(6) with time zone;

-- The sweep reads pending events only (unpublished and not parked), oldest first, and the backlog gauges count them
-- and the parked ones: each from its own partial index, never from the published events that make up the table.
DROP INDEX outbox_unpublished;
CREATE INDEX outbox_pending ON outbox_event (created_at, id) WHERE published_at IS NULL AND parked_at IS NULL;
CREATE INDEX outbox_parked ON outbox_event (parked_at) WHERE published_at IS NULL AND parked_at IS NOT NULL;
