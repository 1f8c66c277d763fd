package io.traittrace.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class EventSamplesTest {

    @Test
    void theSamplesConformToTheirSchema() {
        assertThat(EventType.AUDIT_COMPLETED.dataProblems(EventSamples.auditCompleted())).isEmpty();
        assertThat(EventType.AUDIT_COMPLETED.dataProblems(EventSamples.auditCompletedCanary())).isEmpty();
        ObjectNode event = EventSamples.cloudEvent(EventType.AUDIT_COMPLETED, "e1", "/traittrace/audit-runner", "a1", EventSamples.auditCompleted());
        assertThat(EventType.AUDIT_COMPLETED.problems(event)).isEmpty();
    }

    @Test
    void anEventOfAnotherTypeOrWithoutItsRequiredDataIsRefused() {
        ObjectNode data = EventSamples.auditCompleted();
        data.remove("organization");
        ObjectNode event = EventSamples.cloudEvent(EventType.AUDIT_COMPLETED, "e1", "/traittrace/audit-runner", "a1", data);
        assertThat(EventType.AUDIT_COMPLETED.problems(event)).singleElement().asString().contains("organization");
        assertThat(EventType.AUDIT_FAILED.problems(event)).contains("type: io.traittrace.audits.audit-failed.v1 required");
        event.put("specversion", "0.3");
        assertThat(EventType.AUDIT_COMPLETED.problems(event)).contains("specversion: 1.0 required");
    }

    @Test
    void everyTypeNamesItsSchemaByTheSchemasOwnId() throws Exception {
        assertThat(Arrays.stream(EventType.values()).map(EventType::type)).contains("io.traittrace.lineage.exposure-detected.v1",
                "io.traittrace.audits.audit-completed.v1", "io.traittrace.report.certificate-revoked.v1");
        for (EventType event : EventType.values()) {
            try (InputStream in = EventSamplesTest.class.getResourceAsStream(event.schemaResource())) {
                assertThat(new ObjectMapper().readTree(in).path("$id").asText()).as(event.schemaResource()).isEqualTo(event.dataschema());
            }
        }
    }
}
