package io.traittrace.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Planning a family audit: one deterministic run whose parameters are the probe's, passed through as given. */
class PlannerFamilyTest {

    static final Planner PLANNER = PlannerNumbersTest.PLANNER;

    @Test
    void everyProbeParameterPassesThroughToTheOneRun() {
        ObjectNode p = parameters().put("digest", false).put("independentZ", 3.5).put("anchorThreshold", 0.6).put("anchorRows", 256);
        p.putArray("anchors").add("model.embed_tokens.weight");
        AuditPlan plan = PLANNER.plan(request(p, null));
        assertThat(plan.runs()).singleElement().satisfies(run -> {
            assertThat(run.arms()).containsExactly("family");
            assertThat(run.spec()).containsEntry("protocol", "family");
            assertThat((Object) PlannerNumbersTest.JSON.valueToTree(run.spec().get("parameters"))).isEqualTo(p);
        });
        assertThat(plan.analysis()).isNull();
    }

    @Test
    void whatTheProbeWouldRefuseIsRefusedBeforeAnythingRuns() {
        // the probe's switch is "digest": false; the command line's --no-digest is not a parameter
        assertThatThrownBy(() -> PLANNER.plan(request(parameters().put("noDigest", true), null))).isInstanceOfSatisfying(
                InvalidRequest.class, e -> assertThat(e.field()).isEqualTo("parameters.noDigest"));
        assertThatThrownBy(() -> PLANNER.plan(request(parameters().put("independentThreshold", 0.1), null)))
                .isInstanceOfSatisfying(InvalidRequest.class, e -> assertThat(e.getMessage()).contains("anchorThreshold"));
        assertThatThrownBy(() -> PLANNER.plan(request(PlannerNumbersTest.JSON.createObjectNode().put("a", "/models/a"), null)))
                .isInstanceOfSatisfying(InvalidRequest.class, e -> assertThat(e.field()).isEqualTo("parameters.b"));
        assertThatThrownBy(() -> PLANNER.plan(request(parameters(), 2))).isInstanceOfSatisfying(InvalidRequest.class,
                e -> assertThat(e.field()).isEqualTo("seedsPerArm"));
    }

    private static ObjectNode parameters() {
        return PlannerNumbersTest.JSON.createObjectNode().put("a", "/models/teacher").put("b", "/models/student");
    }

    private static AuditRequest request(ObjectNode parameters, Integer seeds) {
        return new AuditRequest("key-1", "family", "teacher-1", "student-1", null, null, seeds, null, parameters, null);
    }
}
