-- The W3C traceparent of the change that wrote each event (service-support's outbox): the publisher sends the
-- Kafka record in that trace, so a trace crosses the commit and the broker. Null: written outside a trace.
ALTER TABLE outbox_event ADD COLUMN trace_parent varchar(55);
