package io.traittrace.probe.result;

import java.util.List;

/**
 * The audit's answer and the rule that produced it. A misbehaving control makes the outcome INCONCLUSIVE,
 * never a pass; {@code reasons} say which clause decided.
 */
public record Verdict(Outcome outcome, String rule, List<String> reasons) {

    public enum Outcome {
        TRANSFER_DETECTED, NO_TRANSFER_DETECTED, INCONCLUSIVE,
        /** Family test outcomes. */
        SHARED_INIT, INDEPENDENT
    }
}
