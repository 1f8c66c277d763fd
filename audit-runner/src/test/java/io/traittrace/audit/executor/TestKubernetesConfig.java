package io.traittrace.audit.executor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.traittrace.audit.config.RunnerConfig;

/** The Kubernetes settings of a test, every one set to something recognisable. */
record TestKubernetesConfig(Optional<String> namespace, String image, List<String> command, String imagePullPolicy,
        String gpuResource, String gpuTypeLabel, Map<String, String> nodeSelector, List<RunnerConfig.Toleration> tolerations,
        Optional<String> priorityClass, Optional<String> kueueQueue, Optional<String> serviceAccount, int backoffLimit,
        int ttlSecondsAfterFinished, String scratchSize, String tmpSize, String fetchedModelSize, String cpuRequest, String cpuLimit,
        String memoryRequest, String memoryLimit, String ephemeralStorageRequest, String ephemeralStorageLimit, long runAsUser, String resultUrl,
        Duration healthCheckTimeout) implements RunnerConfig.Kubernetes {

    static TestKubernetesConfig inNamespace(String namespace) {
        return new TestKubernetesConfig(Optional.of(namespace), "ghcr.io/traittrace/probe:0.1.0",
                List.of("/opt/probe/bin/probe", "run-env"), "Always", "nvidia.com/gpu", "nvidia.com/gpu.product",
                Map.of("pool", "gpu"),
                List.of(new Toleration("nvidia.com/gpu", "Exists", Optional.empty(), Optional.of("NoSchedule")),
                        new Toleration("dedicated", "Equal", Optional.of("audits"), Optional.empty())),
                Optional.of("audit-batch"), Optional.empty(), Optional.of("traittrace-probe"), 2, 3600, "20Gi", "1Gi", "50Gi", "2", "6",
                "8Gi", "16Gi", "512Mi", "2Gi", 10001, "http://audit-runner.traittrace.svc:8082", Duration.ofSeconds(2));
    }

    TestKubernetesConfig withKueueQueue(String queue) {
        return new TestKubernetesConfig(namespace, image, command, imagePullPolicy, gpuResource, gpuTypeLabel,
                nodeSelector, tolerations, priorityClass, Optional.of(queue), serviceAccount, backoffLimit,
                ttlSecondsAfterFinished, scratchSize, tmpSize, fetchedModelSize, cpuRequest, cpuLimit, memoryRequest, memoryLimit, ephemeralStorageRequest,
                ephemeralStorageLimit, runAsUser, resultUrl, healthCheckTimeout);
    }

    TestKubernetesConfig withoutOptionalSettings() {
        return new TestKubernetesConfig(namespace, image, List.of(), imagePullPolicy, gpuResource, gpuTypeLabel,
                Map.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(), backoffLimit,
                ttlSecondsAfterFinished, scratchSize, tmpSize, fetchedModelSize, cpuRequest, cpuLimit, memoryRequest, memoryLimit,
                ephemeralStorageRequest, ephemeralStorageLimit, runAsUser, resultUrl + "/", healthCheckTimeout);
    }

    record Toleration(String key, String operator, Optional<String> value, Optional<String> effect)
            implements RunnerConfig.Toleration {
    }
}
