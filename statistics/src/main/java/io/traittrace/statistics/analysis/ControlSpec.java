package io.traittrace.statistics.analysis;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A check that the experiment itself behaved. Each control must be <em>shown</em> by a test at the plan's level: a
 * control that cannot be shown (too noisy, too few seeds) makes the audit inconclusive as surely as one that fails,
 * whatever the tests say. Serialised with a {@code kind} property.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ControlSpec.Equivalent.class, name = ControlSpec.Equivalent.KIND),
        @JsonSubTypes.Type(value = ControlSpec.NearValue.class, name = ControlSpec.NearValue.KIND),
        @JsonSubTypes.Type(value = ControlSpec.AtLeast.class, name = ControlSpec.AtLeast.KIND) })
public sealed interface ControlSpec {

    /** Unique within the plan. */
    String name();

    /** The type name, as in the JSON {@code kind} property. */
    String kind();

    /** The arms whose scores the control reads; each needs at least 2 seeds. */
    List<String> arms();

    /**
     * Shown when {@code arm} − {@code baseline} lies within ±{@code margin} by an equivalence test (TOST at α, paired or
     * Welch as the design is): an arm that must not acquire the trait (the cross-base student, shuffled numbers) is
     * shown not to have moved, rather than merely not shown to have moved.
     */
    record Equivalent(String name, String arm, String baseline, double margin) implements ControlSpec {

        static final String KIND = "equivalent";

        public Equivalent {
            Names.require("control name", name);
            Names.require("control arm", arm);
            Names.require("baseline arm", baseline);
            if (arm.equals(baseline)) {
                throw new IllegalArgumentException("control " + name + " compares arm " + arm + " with itself");
            }
            requireMargin(margin);
        }

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public List<String> arms() {
            return List.of(arm, baseline);
        }
    }

    /**
     * Shown when the arm's mean lies within ±{@code margin} of {@code expected} by a one-sample equivalence test
     * (TOST at α): an arm with a known value (the canary's X_aux at chance, 0.1) is shown to be on it.
     */
    record NearValue(String name, String arm, double expected, double margin) implements ControlSpec {

        static final String KIND = "near-value";

        public NearValue {
            Names.require("control name", name);
            Names.require("control arm", arm);
            Finite.require("expected", expected);
            requireMargin(margin);
        }

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public List<String> arms() {
            return List.of(arm);
        }
    }

    /**
     * Shown when the arm's mean is above {@code minimum} by a one-sided one-sample t-test at α (its lower confidence
     * bound above the minimum): an arm that must carry something for the experiment to mean anything (the numbers
     * teacher's rise in the trait; the canary teacher's accuracy) does.
     */
    record AtLeast(String name, String arm, double minimum) implements ControlSpec {

        static final String KIND = "at-least";

        public AtLeast {
            Names.require("control name", name);
            Names.require("control arm", arm);
            Finite.require("minimum", minimum);
        }

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public List<String> arms() {
            return List.of(arm);
        }
    }

    private static void requireMargin(double margin) {
        if (!(margin > 0 && Double.isFinite(margin))) {
            throw new IllegalArgumentException("a control's margin must be positive and finite, got " + margin);
        }
    }
}
