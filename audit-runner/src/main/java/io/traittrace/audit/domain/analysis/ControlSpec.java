package io.traittrace.audit.domain.analysis;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A check that the experiment itself behaved; a control that misbehaves makes the audit inconclusive, whatever the
 * tests say. Serialised with a {@code kind} property so that a stored plan reads back as the same control.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ControlSpec.NoTransfer.class, name = ControlSpec.NoTransfer.KIND),
        @JsonSubTypes.Type(value = ControlSpec.Interval.class, name = ControlSpec.Interval.KIND),
        @JsonSubTypes.Type(value = ControlSpec.MeanAbove.class, name = ControlSpec.MeanAbove.KIND) })
public sealed interface ControlSpec {

    /** Unique within the plan. */
    String name();

    /** The type name, as in the JSON {@code kind} property. */
    String kind();

    /** The arms whose scores the control reads; each needs at least 2 seeds. */
    List<String> arms();

    /**
     * Misbehaves if, for any trait, {@code arm} &gt; {@code baseline} with one-sided Welch raw p &lt; alpha: an arm
     * that must not acquire the trait (the cross-base student, shuffled numbers) shows transfer. Raw, not
     * Holm-adjusted: for a control, flagging more often is the conservative side.
     */
    record NoTransfer(String name, String arm, String baseline) implements ControlSpec {

        static final String KIND = "no-transfer";

        public NoTransfer {
            Names.require("control name", name);
            Names.require("control arm", arm);
            Names.require("baseline arm", baseline);
            if (arm.equals(baseline)) {
                throw new IllegalArgumentException("control " + name + " compares arm " + arm + " with itself");
            }
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
     * Misbehaves if, for any trait, the arm's 95 % t-interval excludes {@code expected}: an arm with a known value
     * (the canary's X_aux at chance, 0.1) is off it.
     */
    record Interval(String name, String arm, double expected) implements ControlSpec {

        static final String KIND = "interval";

        public Interval {
            Names.require("control name", name);
            Names.require("control arm", arm);
            Finite.require("expected", expected);
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
     * Misbehaves if, for any trait, the arm's mean is not above {@code threshold}: an arm that must carry the trait
     * (the numbers test's teacher, as a change from its base) does not, so the experiment could not show transfer.
     */
    record MeanAbove(String name, String arm, double threshold) implements ControlSpec {

        static final String KIND = "mean-above";

        public MeanAbove {
            Names.require("control name", name);
            Names.require("control arm", arm);
            Finite.require("threshold", threshold);
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
}
