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
}
