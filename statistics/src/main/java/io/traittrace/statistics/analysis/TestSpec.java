package io.traittrace.statistics.analysis;

import java.util.List;
import java.util.Objects;

/**
 * A one-sided comparison "treatment &gt; control", applied to every trait of the plan.
 *
 * @param name unique within the plan
 * @param treatment the arm expected to carry the trait
 * @param control the arm it is compared with
 * @param primary whether the test decides the verdict; other tests are only reported
 * @param alsoAbove for a primary test, an arm the treatment must also exceed (one-sided, level α, uncorrected) for a
 *        detection: the cross-base student, so that a rise shared by a student of another base is not called transfer;
 *        null for none
 */
public record TestSpec(String name, String treatment, String control, boolean primary, String alsoAbove) {

    public TestSpec {
        Names.require("test name", name);
        Names.require("treatment arm", treatment);
        Names.require("control arm", control);
        if (treatment.equals(control)) {
            throw new IllegalArgumentException("test " + name + " compares arm " + treatment + " with itself");
        }
        if (alsoAbove != null) {
            Names.require("alsoAbove arm", alsoAbove);
            if (!primary || alsoAbove.equals(treatment) || alsoAbove.equals(control)) {
                throw new IllegalArgumentException("test " + name + ": alsoAbove names a third arm of a primary test");
            }
        }
    }

    /** A test with no third arm to exceed. */
    public TestSpec(String name, String treatment, String control, boolean primary) {
        this(name, treatment, control, primary, null);
    }

    /** The arms the test reads. */
    public List<String> arms() {
        return alsoAbove == null ? List.of(treatment, control) : List.of(treatment, control, alsoAbove);
    }

    /** The name of the comparison of the treatment with {@link #alsoAbove}. */
    public String alsoAboveName() {
        return treatment + " > " + Objects.requireNonNull(alsoAbove);
    }
}
