package io.traittrace.lineage.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a dataset's rows came from. MODEL datasets name their generator; HUMAN data carries no model's
 * trait; UNKNOWN could have come from any model and is reported as an UNKNOWN exposure.
 */
public enum DatasetOrigin {
    MODEL, HUMAN, UNKNOWN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DatasetOrigin> parse(String value) {
        return Arrays.stream(values()).filter(o -> o.wire().equals(value)).findFirst();
    }
}
