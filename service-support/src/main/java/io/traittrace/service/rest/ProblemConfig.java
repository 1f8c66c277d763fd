package io.traittrace.service.rest;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "traittrace.problems")
public interface ProblemConfig {

    /** The {@code Retry-After} a 503 answer suggests while the service's database is unavailable (whole seconds). */
    @WithDefault("5s")
    Duration databaseRetryAfter();
}
