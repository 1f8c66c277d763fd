-- The W3C traceparent of the change that wrote each event (service-support's outbox): the publisher sends the
-- Kafka record in that trace, so a trace crosses the commit and the broker. Null: written outside a trace.
ALTER TABLE outbox_event ADD COLUMN trace_parent varchar(55);

-- The trace an audit was requested in (an API call, or the exposure-detected record that queued it). Every event
-- of the audit continues it, however long after and from whichever call, so one trace follows an audit from the
-- lineage write that exposed the student to its certificate. Null: requested outside a trace.
ALTER TABLE audit ADD COLUMN trace_parent varchar(55);
