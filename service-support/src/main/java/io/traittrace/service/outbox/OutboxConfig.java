package io.traittrace.service.outbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "traittrace.outbox")
public interface OutboxConfig {

    /** How often the outbox is swept for events that are not yet on Kafka (read by the {@code @Scheduled} sweep). */
    @WithDefault("1s")
    Duration pollInterval();

    /** Most events one sweep locks and sends. */
    @WithDefault("200")
    int batchSize();

    /**
     * Failed sends, each of them the event's own fault (Kafka took a later event of the same sweep), after which an
     * event is parked. Sends that fail while Kafka takes nothing (an outage) are not counted; errors that can never
     * succeed (no channel for the topic, a record too large) park the event at once.
     */
    @WithDefault("10")
    int maxAttempts();

    /**
     * The largest payload (UTF-8 bytes) one event may have. {@link OutboxRepository} refuses a larger one (the writing
     * transaction fails), and the publisher parks, without sending, one already stored. Keep it well under the
     * producers' {@code max.request.size} (Kafka's default 1 MiB), which counts the key, headers and record framing too.
     */
    @WithDefault("524288")
    int maxEventBytes();
}
