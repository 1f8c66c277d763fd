package io.traittrace.lineage.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How a model derives from one of its declared bases. Every relation keeps the base's initialisation. */
public enum Relation {
    FINETUNE, ADAPTER, QUANTIZED, MERGE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Relation> parse(String value) {
        return Arrays.stream(values()).filter(r -> r.wire().equals(value)).findFirst();
    }
}
