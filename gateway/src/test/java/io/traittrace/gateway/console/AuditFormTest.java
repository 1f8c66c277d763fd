package io.traittrace.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class AuditFormTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aFreshFormHasAKeyAndTheDefaults() {
        AuditForm form = AuditForm.fresh(" org--student ", null, "");
        assertThat(form.idempotencyKey).matches("[0-9a-f-]{36}");
        assertThat(form.protocol).isEqualTo("canary");
        assertThat(form.student).isEqualTo("org--student");
        assertThat(form.dataset).isNull();
        assertThat(form.validate(MAPPER)).isEmpty();
    }

    @Test
    void theRunnersFieldRulesAreCheckedHere() {
        AuditForm form = new AuditForm();
        form.idempotencyKey = "has a space";
        form.protocol = "sorcery";
        form.student = "-bad-";
        form.dataset = "ok.dataset:1";
        form.traits = "owl " + "x".repeat(70);
        form.gpus = "-1";
        form.gpuType = "has/slash";
        form.parameters = "[1, 2]";

        Map<String, String> errors = form.validate(MAPPER);

        assertThat(errors).containsOnlyKeys("protocol", "student", "traits", "gpus", "gpuType", "parameters");
        assertThat(errors.get("parameters")).contains("must be a JSON object");
        // A damaged key is replaced, not reported: the user never typed it.
        assertThat(form.idempotencyKey).matches("[0-9a-f-]{36}");
    }

    @Test
    void tooManyTraitsAreRefused() {
        AuditForm form = AuditForm.fresh("s", null, null);
        form.traits = String.join(",", java.util.Collections.nCopies(33, "owl"));
        assertThat(form.validate(MAPPER)).containsKey("traits");
    }

    @Test
    void theRequestLeavesOutWhatWasNotGiven() {
        AuditForm form = AuditForm.fresh("s", null, null);
        form.traits = " owl,eagle  cat ";
        form.deadlineSeconds = "3600";
        assertThat(form.validate(MAPPER)).isEmpty();

        Map<String, Object> request = form.toRequest(MAPPER);

        assertThat(request).containsOnlyKeys("idempotencyKey", "protocol", "student", "traits", "resources");
        assertThat(request.get("traits")).isEqualTo(List.of("owl", "eagle", "cat"));
        assertThat(request.get("resources")).isEqualTo(Map.of("deadlineSeconds", 3600L));
    }

    @Test
    void theRunnersErrorsLandOnTheirFields() {
        Map<String, String> byField = AuditForm.fieldErrors(List.of("student: unknown model 'x'", "resources.gpus: at most 8 GPUs",
                "parameters.a: the family test needs \"a\"", "traits[1]: must be 1-64 characters", "body: something", "no field here"));

        assertThat(byField).containsOnlyKeys("student", "gpus", "parameters", "traits");
        assertThat(byField.get("gpus")).isEqualTo("at most 8 GPUs");
    }
}
