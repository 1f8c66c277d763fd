package io.traittrace.lineage.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "lineage")
public interface LineageConfig {

    Limits limits();

    Events events();

    Statistics statistics();

    interface Limits {

        int maxPageSize();

        int defaultPageSize();

        /** Deepest ancestor/descendant walk a caller may ask for. */
        int maxDepth();

        /** Most records in one bulk import request. */
        int maxBatch();

        /**
         * Most candidate exposures one write's exposure analysis may weigh (each path found for each model the write
         * affects, before exposures to the same source and level are merged); a write that needs more is refused.
         */
        long maxExposureRecordsPerWrite();
    }

    interface Statistics {
        /**
         * Fewest rows written before this instance analyses the graph tables itself; past that it does so each time
         * its writes have doubled the graph (see {@code PlannerStatistics}).
         */
        @WithDefault("5000")
        long analyzeAfterRows();
    }

    interface Events {
        /** CloudEvents {@code source} of every event this service publishes. */
        String source();
    }
}
