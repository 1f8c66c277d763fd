package io.traittrace.probe.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class ResultValidatorTest {

    static final String VALID = """
            {"schema": "https://traittrace.io/schemas/probe-result/v1.json",
             "protocol": {"name": "canary", "version": "1.0"},
             "verdict": {"outcome": "INCONCLUSIVE", "rule": "r"},
             "arms": {"S_aux": {"mean": 0.5, "sd": "NaN", "ci95": ["NaN", "NaN"], "n": 1, "scores": [0.5]}},
             "parameters": {}, "seeds": {"base": 1, "replicates": [7]},
             "data": [{"role": "dataset", "path": "synthetic:x", "digest": "sha256:%s"}],
             "environment": {"cpus": 2}, "timings": {"total": 1.5},
             "startedAt": "2026-11-27T01:00:00Z", "finishedAt": "2026-11-27T01:00:02Z"}
            """.formatted("ab".repeat(32));

    final ObjectMapper mapper = new ObjectMapper();
    final ResultValidator validator = new ResultValidator();

    @Test
    void aCompleteResultIsValid() throws Exception {
        assertThat(validator.problems(mapper.readTree(VALID))).isEmpty();
    }

    @Test
    void eachBrokenPartIsNamed() throws Exception {
        ObjectNode r = (ObjectNode) mapper.readTree(VALID);
        r.remove("verdict");
        ((ObjectNode) r.get("arms").get("S_aux")).put("mean", "high");
        ((ObjectNode) r.get("data").get(0)).put("digest", "md5:00");
        r.put("startedAt", "yesterday");
        assertThat(String.join("\n", validator.problems(r)))
                .contains("verdict").contains("mean").contains("digest").contains("startedAt");
    }

    @Test
    void anotherSchemaIsRefused() throws Exception {
        ObjectNode r = (ObjectNode) mapper.readTree(VALID);
        r.put("schema", "https://example.com/other.json");
        assertThat(validator.problems(r)).isNotEmpty();
    }
}
