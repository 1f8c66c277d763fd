package io.traittrace.audit.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.traittrace.audit.domain.KubernetesNames;

class JobSpecsTest {

    private static final String NAMESPACE = "audits";
    private static final String AUDIT = "audit 42 / Ünïcode";
    private static final TestKubernetesConfig CONFIG = TestKubernetesConfig.inNamespace(NAMESPACE);

    private final JobSpecs specs = new JobSpecs(CONFIG, NAMESPACE);

    @Test
    void theJobOfABuiltInProbeRunCarriesEverySetting() {
        RunLaunch run = TestRuns.gpuRun(AUDIT, 3);
        Job job = specs.job(run, "tt-tokens-x");

        Map<String, String> identity = Map.ofEntries(
                Map.entry("app.kubernetes.io/name", "traittrace-probe"),
                Map.entry("app.kubernetes.io/managed-by", "traittrace-audit-runner"),
                Map.entry("app.kubernetes.io/part-of", "traittrace"),
                Map.entry("traittrace.io/audit-id", KubernetesNames.labelValue(AUDIT)),
                Map.entry("traittrace.io/run-id", run.runId()),
                Map.entry("traittrace.io/protocol", "canary"),
                Map.entry("traittrace.io/arm", "treatment"),
                Map.entry("traittrace.io/seed", "3"),
                Map.entry("traittrace.io/organization", TestRuns.ORGANIZATION));
        Map<String, String> rawIds = Map.of("traittrace.io/audit-id", AUDIT, "traittrace.io/run-id", run.runId());
        assertThat(job.getMetadata().getName()).isEqualTo(run.jobName());
        assertThat(job.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(job.getMetadata().getLabels()).isEqualTo(identity);
        assertThat(job.getMetadata().getAnnotations()).isEqualTo(rawIds);

        JobSpec spec = job.getSpec();
        assertThat(spec.getBackoffLimit()).isEqualTo(2);
        assertThat(spec.getActiveDeadlineSeconds()).isEqualTo(1800L);
        assertThat(spec.getTtlSecondsAfterFinished()).isEqualTo(3600);
        assertThat(spec.getSuspend()).isNull();
        assertThat(spec.getTemplate().getMetadata().getLabels()).isEqualTo(identity);
        assertThat(spec.getTemplate().getMetadata().getAnnotations()).isEqualTo(rawIds);

        List<PodFailurePolicyRule> rules = spec.getPodFailurePolicy().getRules();
        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).getAction()).isEqualTo("Ignore");
        assertThat(rules.get(0).getOnExitCodes()).isNull();
        assertThat(rules.get(0).getOnPodConditions()).singleElement()
                .satisfies(pattern -> assertThat(pattern.getType()).isEqualTo("DisruptionTarget"))
                .satisfies(pattern -> assertThat(pattern.getStatus()).isEqualTo("True"));
        assertThat(rules.get(1).getAction()).isEqualTo("FailJob");
        assertThat(rules.get(1).getOnPodConditions()).isEmpty();
        assertThat(rules.get(1).getOnExitCodes().getContainerName()).isEqualTo("probe");
        assertThat(rules.get(1).getOnExitCodes().getOperator()).isEqualTo("In");
        assertThat(rules.get(1).getOnExitCodes().getValues()).containsExactly(2, 3, 4);

        PodSpec pod = spec.getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getServiceAccountName()).isEqualTo("traittrace-probe");
        assertThat(pod.getPriorityClassName()).isEqualTo("audit-batch");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getNodeSelector()).containsOnly(entry("pool", "gpu"),
                entry("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-80GB"));
        assertThat(pod.getTolerations()).hasSize(2);
        assertThat(pod.getTolerations().get(0)).satisfies(toleration -> {
            assertThat(toleration.getKey()).isEqualTo("nvidia.com/gpu");
            assertThat(toleration.getOperator()).isEqualTo("Exists");
            assertThat(toleration.getValue()).isNull();
            assertThat(toleration.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(pod.getTolerations().get(1)).satisfies(toleration -> {
            assertThat(toleration.getKey()).isEqualTo("dedicated");
            assertThat(toleration.getOperator()).isEqualTo("Equal");
            assertThat(toleration.getValue()).isEqualTo("audits");
            assertThat(toleration.getEffect()).isNull();
        });
        assertThat(pod.getSecurityContext()).satisfies(security -> {
            assertThat(security.getRunAsNonRoot()).isTrue();
            assertThat(security.getRunAsUser()).isEqualTo(10001L);
            assertThat(security.getRunAsGroup()).isEqualTo(10001L);
            assertThat(security.getFsGroup()).isEqualTo(10001L);
            assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        });
        assertThat(pod.getVolumes()).hasSize(2);
        assertThat(pod.getVolumes().get(0).getName()).isEqualTo("scratch");
        assertThat(pod.getVolumes().get(0).getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("20Gi"));
        assertThat(pod.getVolumes().get(1).getName()).isEqualTo("tmp");
        assertThat(pod.getVolumes().get(1).getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("1Gi"));

        assertThat(pod.getContainers()).hasSize(1);
        Container probe = pod.getContainers().get(0);
        assertThat(probe.getName()).isEqualTo("probe");
        assertThat(probe.getImage()).isEqualTo("ghcr.io/traittrace/probe:0.1.0");
        assertThat(probe.getCommand()).containsExactly("/opt/probe/bin/probe", "run-env");
        assertThat(probe.getArgs()).isEmpty();
        assertThat(probe.getImagePullPolicy()).isEqualTo("Always");
        // Ephemeral storage: the probe's own (512Mi requested, 2Gi limit) plus its volumes' limits (/scratch 20Gi, /tmp 1Gi).
        assertThat(probe.getResources().getRequests()).containsOnly(entry("cpu", new Quantity("2")),
                entry("memory", new Quantity("8Gi")), entry("ephemeral-storage", new Quantity("22016Mi")), entry("nvidia.com/gpu", new Quantity("1")));
        assertThat(probe.getResources().getLimits()).containsOnly(entry("cpu", new Quantity("6")), entry("memory", new Quantity("16Gi")),
                entry("ephemeral-storage", new Quantity("23Gi")), entry("nvidia.com/gpu", new Quantity("1")));
        assertThat(probe.getSecurityContext()).satisfies(security -> {
            assertThat(security.getAllowPrivilegeEscalation()).isFalse();
            assertThat(security.getReadOnlyRootFilesystem()).isTrue();
            assertThat(security.getRunAsNonRoot()).isTrue();
            assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(security.getCapabilities().getAdd()).isEmpty();
        });
        assertThat(probe.getVolumeMounts()).extracting(mount -> mount.getName() + "=" + mount.getMountPath())
                .containsExactly("scratch=/scratch", "tmp=/tmp");

        List<EnvVar> env = probe.getEnv();
        assertThat(env).extracting(EnvVar::getName)
                .containsExactly("TRAITTRACE_SPEC", "TRAITTRACE_RESULT_URL", "TRAITTRACE_RUN_TOKEN", "HOME", "TMPDIR");
        assertThat(env.get(0).getValue()).isEqualTo(TestRuns.SPEC_JSON);
        assertThat(env.get(1).getValue())
                .isEqualTo("http://audit-runner.traittrace.svc:8082/api/runs/" + run.runId() + "/result");
        assertThat(env.get(2).getValue()).isNull();
        assertThat(env.get(2).getValueFrom().getSecretKeyRef().getName()).isEqualTo("tt-tokens-x");
        assertThat(env.get(2).getValueFrom().getSecretKeyRef().getKey()).isEqualTo(run.runId());
        assertThat(env.get(3).getValue()).isEqualTo("/scratch");
        assertThat(env.get(4).getValue()).isEqualTo("/tmp");
        assertThat(job.toString()).doesNotContain(run.token());
    }

    /** Every writable volume has a size limit, and the probe's ephemeral storage covers them all: none can fill a node's disk. */
    @Test
    void everyEmptyDirIsBoundedAndCountedInTheProbesEphemeralStorage() {
        RunLaunch run = TestRuns.gpuRun(AUDIT, 0);
        ModelMount teacher = new ModelMount("teacher", "s3", "/models/teacher", null, null, null, "registry.example.com/tools/aws-cli:2.17",
                List.of("aws", "s3", "sync", "s3://b/p", "/models/teacher"), null);
        ModelMount student = new ModelMount("student", "pvc", "/models/student", "model-store", "s", null, null, null, null);
        RunLaunch withModels = new RunLaunch(run.auditId(), TestRuns.ORGANIZATION, run.runId(), run.jobName(), null, run.specJson(), run.token(), 1, null, 1800, Map.of(),
                List.of(teacher, student));
        PodSpec pod = specs.job(withModels, "s").getSpec().getTemplate().getSpec();

        assertThat(pod.getVolumes()).filteredOn(volume -> volume.getEmptyDir() != null).extracting(volume -> volume.getName() + "="
                + volume.getEmptyDir().getSizeLimit()).containsExactly("scratch=20Gi", "tmp=1Gi", "model-teacher=50Gi");
        Container probe = pod.getContainers().get(0);
        assertThat(probe.getResources().getLimits()).containsEntry("cpu", new Quantity("6"))
                .containsEntry("ephemeral-storage", new Quantity("73Gi"));
        assertThat(probe.getResources().getRequests()).containsEntry("ephemeral-storage", new Quantity("73216Mi"));
        Container fetch = pod.getInitContainers().get(0);
        assertThat(fetch.getResources().getLimits()).containsKeys("cpu", "memory", "ephemeral-storage");
        assertThat(fetch.getResources().getRequests().get("ephemeral-storage")).isEqualTo(fetch.getResources().getLimits().get("ephemeral-storage"));
    }

    @Test
    void aRequestAboveItsLimitIsRefusedAtStart() {
        TestKubernetesConfig c = CONFIG;
        TestKubernetesConfig cpu = new TestKubernetesConfig(c.namespace(), c.image(), c.command(), c.imagePullPolicy(), c.gpuResource(), c.gpuTypeLabel(),
                c.nodeSelector(), c.tolerations(), c.priorityClass(), c.kueueQueue(), c.serviceAccount(), c.backoffLimit(), c.ttlSecondsAfterFinished(),
                c.scratchSize(), c.tmpSize(), c.fetchedModelSize(), "8", "4", c.memoryRequest(), c.memoryLimit(), c.ephemeralStorageRequest(),
                c.ephemeralStorageLimit(), c.runAsUser(), c.resultUrl(), c.healthCheckTimeout());
        assertThatThrownBy(() -> new JobSpecs(cpu, NAMESPACE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runner.kubernetes.cpu-request (8) is above runner.kubernetes.cpu-limit (4)");
    }

    @Test
    void aKueueQueueSuspendsTheJobAndLabelsIt() {
        JobSpecs queued = new JobSpecs(CONFIG.withKueueQueue("gpu-audits"), NAMESPACE);
        Job job = queued.job(TestRuns.gpuRun(AUDIT, 0), "tt-tokens-x");

        assertThat(job.getSpec().getSuspend()).isTrue();
        assertThat(job.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "gpu-audits");
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).doesNotContainKey("kueue.x-k8s.io/queue-name");
    }

    @Test
    void eachOrganisationHasItsQueueAndEveryObjectNamesTheOrganisation() {
        JobSpecs queued = new JobSpecs(CONFIG.withKueueQueue("traittrace-{organization}"), NAMESPACE);
        Job acme = queued.job(TestRuns.gpuRun(AUDIT, "acme", 0), "tt-tokens-x");
        Job globex = queued.job(TestRuns.gpuRun("another-audit", "globex", 0), "tt-tokens-y");

        assertThat(acme.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "traittrace-acme")
                .containsEntry("traittrace.io/organization", "acme");
        assertThat(acme.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("traittrace.io/organization", "acme");
        assertThat(globex.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "traittrace-globex")
                .containsEntry("traittrace.io/organization", "globex");
        assertThat(globex.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("traittrace.io/organization", "globex");
        assertThat(queued.tokenSecret(AUDIT, List.of(TestRuns.gpuRun(AUDIT, "acme", 0))).getMetadata().getLabels())
                .containsEntry("traittrace.io/organization", "acme");
        // No queue configured: the organisation is still on every object, and nothing waits for Kueue.
        Job unqueued = specs.job(TestRuns.gpuRun(AUDIT, "globex", 0), "tt-tokens-x");
        assertThat(unqueued.getMetadata().getLabels()).containsEntry("traittrace.io/organization", "globex").doesNotContainKey("kueue.x-k8s.io/queue-name");
        assertThat(unqueued.getSpec().getSuspend()).isNull();
    }

    @Test
    void runsOfOneAuditShareOneOrganisationAndAQueueNameMustBeALabel() {
        assertThatThrownBy(() -> specs.tokenSecret(AUDIT, List.of(TestRuns.gpuRun(AUDIT, "acme", 0), TestRuns.gpuRun(AUDIT, "globex", 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> specs.job(TestRuns.gpuRun(AUDIT, "Not An Org", 0), "tt-tokens-x")).isInstanceOf(IllegalArgumentException.class);
        JobSpecs tooLong = new JobSpecs(CONFIG.withKueueQueue("a-very-long-queue-prefix-for-{organization}"), NAMESPACE);
        assertThatThrownBy(() -> tooLong.job(TestRuns.gpuRun(AUDIT, "an-organisation-with-quite-a-long-alias", 0), "tt-tokens-x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a valid label value");
    }

    @Test
    void aCustomImageKeepsItsEntrypointAndACpuRunAsksForNoGpu() {
        RunLaunch run = TestRuns.customImageRun(AUDIT, 1);
        Container probe = specs.job(run, "tt-tokens-x").getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(probe.getImage()).isEqualTo("registry.example.com/team/probe@sha256:abc");
        assertThat(probe.getCommand()).isNullOrEmpty();
        assertThat(probe.getResources().getRequests()).containsOnlyKeys("cpu", "memory", "ephemeral-storage");
        assertThat(probe.getResources().getLimits()).containsOnlyKeys("cpu", "memory", "ephemeral-storage");
        assertThat(probe.getEnv()).extracting(EnvVar::getName).contains("TRAITTRACE_SPEC", "TRAITTRACE_RESULT_URL",
                "TRAITTRACE_RUN_TOKEN");
        assertThat(specs.job(run, "tt-tokens-x").getSpec().getTemplate().getSpec().getNodeSelector())
                .containsOnly(entry("pool", "gpu"));
    }

    @Test
    void unsetOptionalSettingsLeaveTheirFieldsOut() {
        JobSpecs plain = new JobSpecs(CONFIG.withoutOptionalSettings(), NAMESPACE);
        RunLaunch run = TestRuns.customImageRun(AUDIT, 0);
        PodSpec pod = plain.job(run, "s").getSpec().getTemplate().getSpec();

        assertThat(pod.getServiceAccountName()).isNull();
        assertThat(pod.getPriorityClassName()).isNull();
        assertThat(pod.getNodeSelector()).isNullOrEmpty();
        assertThat(pod.getTolerations()).isEmpty();
        // A trailing slash on the configured URL does not double up.
        assertThat(pod.getContainers().get(0).getEnv().get(1).getValue())
                .isEqualTo("http://audit-runner.traittrace.svc:8082/api/runs/" + run.runId() + "/result");
    }

    @Test
    void runLabelsCannotPassForTheRunnersOwn() {
        RunLaunch run = TestRuns.gpuRun(AUDIT, 0);
        RunLaunch impostor = new RunLaunch(run.auditId(), TestRuns.ORGANIZATION, run.runId(), run.jobName(), null, run.specJson(), run.token(),
                0, null, 60, Map.of("app.kubernetes.io/managed-by", "someone-else", "traittrace.io/audit-id", "other"));

        assertThat(specs.job(impostor, "s").getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/managed-by", "traittrace-audit-runner")
                .containsEntry("traittrace.io/audit-id", KubernetesNames.labelValue(AUDIT));
    }

    @Test
    void theTokenSecretHoldsOneKeyPerRun() {
        List<RunLaunch> runs = TestRuns.gpuRuns(AUDIT, 3);
        Secret secret = specs.tokenSecret(AUDIT, runs);

        assertThat(secret.getMetadata().getName()).isEqualTo(KubernetesNames.tokenSecretName(AUDIT));
        assertThat(secret.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(secret.getMetadata().getLabels()).containsOnly(
                entry("app.kubernetes.io/name", "traittrace-probe"),
                entry("app.kubernetes.io/managed-by", "traittrace-audit-runner"),
                entry("app.kubernetes.io/part-of", "traittrace"),
                entry("traittrace.io/audit-id", KubernetesNames.labelValue(AUDIT)),
                entry("traittrace.io/organization", TestRuns.ORGANIZATION));
        assertThat(secret.getMetadata().getAnnotations()).containsOnly(entry("traittrace.io/audit-id", AUDIT));
        assertThat(secret.getType()).isEqualTo("Opaque");
        assertThat(secret.getData()).hasSize(3);
        for (RunLaunch run : runs) {
            assertThat(decode(secret.getData().get(run.runId()))).isEqualTo(run.token());
        }
    }

    @Test
    void rejectsRunsThatCannotBecomeValidObjects() {
        RunLaunch run = TestRuns.gpuRun(AUDIT, 0);
        RunLaunch badName = new RunLaunch(AUDIT, TestRuns.ORGANIZATION, run.runId(), "Not_A-Label", null, "{}", "t", 0, null, 60, Map.of());
        RunLaunch badRunId = new RunLaunch(AUDIT, TestRuns.ORGANIZATION, "../admin", run.jobName(), null, "{}", "t", 0, null, 60, Map.of());
        RunLaunch dotDot = new RunLaunch(AUDIT, TestRuns.ORGANIZATION, "..", run.jobName(), null, "{}", "t", 0, null, 60, Map.of());
        RunLaunch badGpuType = new RunLaunch(AUDIT, TestRuns.ORGANIZATION, run.runId(), run.jobName(), null, "{}", "t", 1, "A100 80GB", 60,
                Map.of());

        assertThatThrownBy(() -> specs.job(badName, "s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DNS-1123");
        assertThatThrownBy(() -> specs.job(badRunId, "s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> specs.job(dotDot, "s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> specs.job(badGpuType, "s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GPU type");
        assertThatThrownBy(() -> specs.tokenSecret(AUDIT, List.of(badRunId))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> specs.tokenSecret("another audit", List.of(run)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(run.token());
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
