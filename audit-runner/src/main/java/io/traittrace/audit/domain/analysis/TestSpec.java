package io.traittrace.audit.domain.analysis;

/**
 * A one-sided comparison "treatment &gt; control", applied to every trait of the plan.
 *
 * @param name unique within the plan
 * @param treatment the arm expected to carry the trait
 * @param control the arm it is compared with
 * @param primary whether the test decides the verdict; other tests are only reported
 */
public record TestSpec(String name, String treatment, String control, boolean primary) {

    public TestSpec {
        Names.require("test name", name);
        Names.require("treatment arm", treatment);
        Names.require("control arm", control);
        if (treatment.equals(control)) {
            throw new IllegalArgumentException("test " + name + " compares arm " + treatment + " with itself");
        }
    }
}
