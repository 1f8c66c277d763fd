package io.traittrace.audit.executor;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import io.traittrace.audit.domain.KubernetesNames;

/** Runs as the runner would plan them. */
final class TestRuns {

    /** The organisation every test run belongs to. */
    static final String ORGANIZATION = "acme";
    static final String SPEC_JSON = "{\"protocol\":\"canary\",\"parameters\":{\"replicateIndex\":0}}";

    private TestRuns() {
    }

    /** A built-in-probe run on one A100. */
    static RunLaunch gpuRun(String auditId, int index) {
        return gpuRun(auditId, ORGANIZATION, index);
    }

    /** A built-in-probe run on one A100, of an audit of {@code organization}. */
    static RunLaunch gpuRun(String auditId, String organization, int index) {
        String runId = UUID.nameUUIDFromBytes((auditId + "/" + index).getBytes()).toString();
        return new RunLaunch(auditId, organization, runId, KubernetesNames.jobName(auditId, index, "canary"), null, SPEC_JSON,
                "token-" + runId, 1, "NVIDIA-A100-SXM4-80GB", 1800, Map.of("traittrace.io/protocol", "canary",
                        "traittrace.io/arm", "treatment", "traittrace.io/seed", Integer.toString(index)));
    }

    static List<RunLaunch> gpuRuns(String auditId, int count) {
        return IntStream.range(0, count).mapToObj(index -> gpuRun(auditId, index)).toList();
    }

    /** A team's own image on CPU, no GPU type. */
    static RunLaunch customImageRun(String auditId, int index) {
        RunLaunch run = gpuRun(auditId, index);
        return new RunLaunch(auditId, ORGANIZATION, run.runId(), run.jobName(), "registry.example.com/team/probe@sha256:abc",
                run.specJson(), run.token(), 0, null, 600, Map.of());
    }
}
