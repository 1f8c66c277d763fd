package io.traittrace.lineage.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

public enum TrainingMethod {
    SFT, LORA, DISTILL, RL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<TrainingMethod> parse(String value) {
        return Arrays.stream(values()).filter(m -> m.wire().equals(value)).findFirst();
    }
}
