package io.traittrace.lineage.config;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "lineage")
public interface LineageConfig {

    Limits limits();

    Events events();

    interface Limits {

        int maxPageSize();

        int defaultPageSize();

        /** Deepest ancestor/descendant walk a caller may ask for. */
        int maxDepth();

        /** Most records in one bulk import request. */
        int maxBatch();
    }

    interface Events {
        /** CloudEvents {@code source} of every event this service publishes. */
        String source();
    }
}
