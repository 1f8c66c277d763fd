package io.traittrace.audit.executor;

import java.util.List;
import java.util.Map;

/**
 * One run, ready to start: what an executor needs and nothing more.
 *
 * @param auditId the audit (label and grouping)
 * @param organization the audit's organisation (label; its Kueue LocalQueue)
 * @param runId the run (UUID text; the result URL and every status report name it)
 * @param jobName a DNS-1123 name, unique per run, derived by the runner
 * @param image the container image; null runs the built-in probe
 * @param specJson the probe spec (probe-contract's spec schema v1), JSON text
 * @param token the run's bearer token for handing back its result
 * @param gpus GPUs the run needs (0 runs on CPU)
 * @param gpuType GPU product the node must have, or null for any
 * @param deadlineSeconds the run's wall-clock budget
 * @param labels extra identifying labels (protocol, arm, seed), already valid label values
 * @param models the models a Job mounts for the probe (trait-eval); empty otherwise, and for the local executor
 */
public record RunLaunch(String auditId, String organization, String runId, String jobName, String image, String specJson, String token, int gpus,
        String gpuType, long deadlineSeconds, Map<String, String> labels, List<ModelMount> models) {

    public RunLaunch {
        models = models == null ? List.of() : List.copyOf(models);
    }

    /** A run that mounts no models. */
    public RunLaunch(String auditId, String organization, String runId, String jobName, String image, String specJson, String token, int gpus,
            String gpuType, long deadlineSeconds, Map<String, String> labels) {
        this(auditId, organization, runId, jobName, image, specJson, token, gpus, gpuType, deadlineSeconds, labels, List.of());
    }

    @Override
    public String toString() {
        // Never print the token.
        return "RunLaunch[audit=" + auditId + ", organization=" + organization + ", run=" + runId + ", job=" + jobName + "]";
    }
}
