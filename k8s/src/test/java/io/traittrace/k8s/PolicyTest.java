package io.traittrace.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.executor.JobSpecs;
import io.traittrace.audit.executor.ModelMount;
import io.traittrace.audit.executor.RunLaunch;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules every rendered overlay keeps: pod security, probes, limits, images, secrets, RBAC, network, labels. */
class PolicyTest {

    /** Environment names that carry credentials: they must come from a Secret, never a literal or a ConfigMap. */
    private static final Pattern SECRET_NAME =
            Pattern.compile(".*(PASSWORD|SECRET|TOKEN|CREDENTIAL|_KEY|KEYS?_?ID)$|.*PRIVATE.*");

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void everyPodRunsRestricted(String overlay) {
        for (Deployment deployment : Rendered.of(overlay).all(Deployment.class)) {
            String name = deployment.getMetadata().getName();
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name + " runAsNonRoot").isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).as(name + " runAsUser").isPositive();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as(name).isEqualTo("RuntimeDefault");
            assertThat(pod.getHostNetwork()).as(name + " hostNetwork").isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getHostPID()).as(name + " hostPID").isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getHostIPC()).as(name + " hostIPC").isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getVolumes()).as(name + " volumes").allSatisfy(v -> assertThat(v.getHostPath()).isNull());
            for (Container container : containers(pod)) {
                var security = container.getSecurityContext();
                assertThat(security).as(name + " container securityContext").isNotNull();
                assertThat(security.getAllowPrivilegeEscalation()).as(name + " allowPrivilegeEscalation").isFalse();
                assertThat(security.getReadOnlyRootFilesystem()).as(name + " readOnlyRootFilesystem").isTrue();
                assertThat(security.getPrivileged()).as(name + " privileged").isNotEqualTo(Boolean.TRUE);
                assertThat(security.getCapabilities().getDrop()).as(name + " drops").contains("ALL");
                assertThat(security.getCapabilities().getAdd()).as(name + " adds").isNullOrEmpty();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void everyContainerHasHealthProbesAndResourceBounds(String overlay) {
        for (Deployment deployment : Rendered.of(overlay).all(Deployment.class)) {
            for (Container container : containers(deployment.getSpec().getTemplate().getSpec())) {
                String name = deployment.getMetadata().getName() + "/" + container.getName();
                Set<String> ports = container.getPorts().stream().map(ContainerPort::getName).collect(Collectors.toSet());
                assertHealthProbe(name, container.getStartupProbe(), "/q/health/started", ports);
                assertHealthProbe(name, container.getLivenessProbe(), "/q/health/live", ports);
                assertHealthProbe(name, container.getReadinessProbe(), "/q/health/ready", ports);
                var resources = container.getResources();
                assertThat(resources.getRequests()).as(name + " requests").containsKeys("cpu", "memory");
                assertThat(resources.getLimits()).as(name + " limits").containsKeys("cpu", "memory");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void everyImageIsPinnedToAVersion(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        for (Deployment deployment : rendered.all(Deployment.class)) {
            for (Container container : containers(deployment.getSpec().getTemplate().getSpec())) {
                assertPinned(container.getImage());
            }
        }
        assertPinned(rendered.configMap("audit-runner").getData().get("RUNNER_PROBE_IMAGE"));
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void noSecretValueIsWrittenAnywhere(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        assertThat(rendered.all(Secret.class)).as("Secrets are created by the operator or the user").isEmpty();
        for (Deployment deployment : rendered.all(Deployment.class)) {
            for (Container container : containers(deployment.getSpec().getTemplate().getSpec())) {
                for (EnvVar env : container.getEnv()) {
                    if (SECRET_NAME.matcher(env.getName()).matches()) {
                        assertThat(env.getValue()).as(env.getName() + " literal").isNull();
                        assertThat(env.getValueFrom().getSecretKeyRef()).as(env.getName() + " from a Secret").isNotNull();
                    }
                }
            }
        }
        for (ConfigMap configMap : rendered.all(ConfigMap.class)) {
            assertThat(configMap.getData().keySet()).as("ConfigMap " + configMap.getMetadata().getName())
                    .noneMatch(key -> SECRET_NAME.matcher(key).matches());
        }
        String everything = rendered.trees().toString();
        assertThat(everything).doesNotContain("PRIVATE KEY").doesNotContainPattern("(?i)password\"\\s*:\\s*\"[^\"$]");
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void theRunnerMayTouchOnlyItsJobsAndTokenSecretsInTheProbeNamespace(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        assertThat(rendered.all(ClusterRole.class)).isEmpty();
        assertThat(rendered.all(ClusterRoleBinding.class)).isEmpty();
        assertThat(rendered.all(Role.class)).extracting(role -> role.getMetadata().getName())
                .containsExactly("audit-runner");
        assertThat(rendered.all(RoleBinding.class)).extracting(binding -> binding.getMetadata().getName())
                .containsExactly("audit-runner");
        // Not in the services' namespace: a grant on Secrets there would reach the database and realm credentials.
        assertThat(rendered.one(Role.class, "audit-runner").getMetadata().getNamespace())
                .isEqualTo(rendered.probeNamespace());
        // Exactly what the runner's code asks for (audit-runner's RunnerRoleTest records it): its Jobs, and the token
        // Secret of each audit, which a later launch of the audit extends by a patch.
        Map<String, Set<String>> expected = Map.of(
                "batch/jobs", Set.of("create", "get", "list", "watch", "deletecollection"),
                "/secrets", Set.of("create", "get", "patch", "delete"));
        Map<String, Set<String>> granted = new TreeMap<>();
        for (PolicyRule rule : rendered.one(Role.class, "audit-runner").getRules()) {
            assertThat(rule.getResourceNames()).isNullOrEmpty();
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("*");
            assertThat(rule.getVerbs()).doesNotContain("*");
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    granted.computeIfAbsent(group + "/" + resource, key -> new TreeSet<>()).addAll(rule.getVerbs());
                }
            }
        }
        assertThat(granted).isEqualTo(expected);
        RoleBinding binding = rendered.one(RoleBinding.class, "audit-runner");
        assertThat(binding.getMetadata().getNamespace()).isEqualTo(rendered.probeNamespace());
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo("audit-runner");
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getName()).isEqualTo("audit-runner");
            assertThat(subject.getNamespace()).as("the runner's own account").isEqualTo(rendered.namespace());
        });
        assertThat(rendered.one(ServiceAccount.class, "audit-runner").getMetadata().getNamespace())
                .isEqualTo(rendered.namespace());
        assertThat(rendered.all(Deployment.class)).allSatisfy(deployment -> {
            boolean runner = deployment.getMetadata().getName().equals("audit-runner");
            assertThat(deployment.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
                    .as(deployment.getMetadata().getName() + " mounts an API token").isEqualTo(runner);
        });
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void onlyTheGatewayIsOpenAndEveryPodIsCoveredByAPolicy(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        List<NetworkPolicy> policies = rendered.all(NetworkPolicy.class);
        NetworkPolicy deny = rendered.one(NetworkPolicy.class, "default-deny-ingress");
        assertThat(deny.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
        assertThat(deny.getSpec().getPodSelector().getMatchExpressions()).isNullOrEmpty();
        assertThat(deny.getSpec().getPolicyTypes()).contains("Ingress");
        assertThat(deny.getSpec().getIngress()).isNullOrEmpty();

        for (NetworkPolicy policy : policies) {
            for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                if (rule.getFrom() == null || rule.getFrom().isEmpty()) {
                    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                            .as("policy " + policy.getMetadata().getName() + " admits everyone")
                            .containsExactly(Map.entry("app.kubernetes.io/name", "gateway"));
                }
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    assertThat(peer.getIpBlock()).as("no address ranges").isNull();
                }
            }
        }
        for (Deployment deployment : rendered.all(Deployment.class)) {
            Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(policies).as(deployment.getMetadata().getName() + " has its own policy")
                    .anySatisfy(policy -> {
                        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isNotEmpty();
                        assertThat(labels).containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
                        assertThat(policy.getSpec().getIngress()).isNotEmpty();
                    });
        }
        // Behind the gateway: each service takes calls from the gateway and the callers the architecture names.
        assertThat(callers(rendered, "lineage-service")).containsExactlyInAnyOrder("gateway", "audit-runner");
        assertThat(callers(rendered, "audit-runner"))
                .containsExactlyInAnyOrder("gateway", "traittrace-probe in " + rendered.probeNamespace());
        assertThat(callers(rendered, "report-service")).containsExactly("gateway");
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void probePodsReachOnlyTheRunnerAndDns(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        NetworkPolicy probe = rendered.one(NetworkPolicy.class, "traittrace-probe");
        assertThat(probe.getMetadata().getNamespace()).isEqualTo(rendered.probeNamespace());
        assertThat(probe.getSpec().getPodSelector().getMatchLabels())
                .containsExactly(Map.entry("app.kubernetes.io/name", "traittrace-probe"));
        assertThat(probe.getSpec().getPolicyTypes()).contains("Ingress", "Egress");
        assertThat(probe.getSpec().getIngress()).isNullOrEmpty();
        assertThat(probe.getSpec().getEgress()).hasSize(2);
        assertThat(probe.getSpec().getEgress()).allSatisfy(rule -> assertThat(rule.getTo()).isNotEmpty());
        assertThat(probe.getSpec().getEgress().get(0).getTo()).singleElement().extracting(PolicyTest::pods)
                .isEqualTo("audit-runner in " + rendered.namespace());
        assertThat(probe.getSpec().getEgress().get(1).getPorts()).allSatisfy(port ->
                assertThat(port.getPort().getIntVal()).isEqualTo(53));
    }

    /**
     * A run with an s3:// model needs its fetch container to reach the object store, or the pod never starts: its pod,
     * and only such a pod, is selected by a policy that adds HTTPS to named address ranges, nothing wider.
     */
    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void onlyPodsThatFetchAnS3ModelReachTheObjectStoreAndOnlyOnHttps(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        RunnerConfig.Kubernetes jobs = RunnerJobs.of(rendered).config().kubernetes();
        JobSpecs specs = new JobSpecs(jobs, jobs.namespace().orElseThrow());
        ModelMount fetched = new ModelMount("teacher", "s3", "/models/teacher", null, null, null, "registry.example.com/tools/aws-cli:2.17",
                List.of("aws", "s3", "sync", "s3://models/teacher", "/models/teacher"), null);
        Map<String, String> fetching = specs.job(new RunLaunch("audit-1", "acme", "2f1c0f8e-8f0e-4a59-9d3c-6f1f0b1d2a3e", "tt-audit-1-0-canary", null,
                "{}", "token", 1, null, 3600, Map.of(), List.of(fetched)), "tt-tokens-audit-1").getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> plain = specs.job(new RunLaunch("audit-1", "acme", "7a1c0f8e-8f0e-4a59-9d3c-6f1f0b1d2a3e", "tt-audit-1-1-canary", null,
                "{}", "token", 1, null, 3600, Map.of(), List.of()), "tt-tokens-audit-1").getSpec().getTemplate().getMetadata().getLabels();

        NetworkPolicy fetch = rendered.one(NetworkPolicy.class, "traittrace-probe-model-fetch");
        assertThat(fetch.getMetadata().getNamespace()).isEqualTo(rendered.probeNamespace());
        Map<String, String> selector = fetch.getSpec().getPodSelector().getMatchLabels();
        assertThat(fetching).containsAllEntriesOf(selector);
        assertThat(plain.entrySet().containsAll(selector.entrySet())).as("a pod without s3 models is selected").isFalse();
        assertThat(fetch.getSpec().getPolicyTypes()).containsExactly("Egress");
        assertThat(fetch.getSpec().getIngress()).isNullOrEmpty();
        assertThat(fetch.getSpec().getEgress()).singleElement().satisfies(rule -> {
            assertThat(rule.getPorts()).singleElement().satisfies(port -> assertThat(port.getProtocol() + " " + port.getPort().getIntVal())
                    .isEqualTo("TCP 443"));
            assertThat(rule.getTo()).isNotEmpty().allSatisfy(peer -> {
                assertThat(peer.getPodSelector()).isNull();
                assertThat(peer.getNamespaceSelector()).isNull();
                assertThat(peer.getIpBlock().getCidr()).as("not the whole internet").isNotIn("0.0.0.0/0", "::/0");
                assertThat(Integer.parseInt(peer.getIpBlock().getCidr().split("/")[1])).isGreaterThanOrEqualTo(8);
            });
        });
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void theProbeNamespaceHoldsOnlyTheProbesSideAndEnforcesRestricted(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        List<String> probeSide = rendered.trees().stream()
                .filter(tree -> tree.path("metadata").path("namespace").asText().equals(rendered.probeNamespace()))
                .map(tree -> tree.path("kind").asText() + " " + tree.path("metadata").path("name").asText())
                .toList();
        List<String> expected = new ArrayList<>(List.of("ServiceAccount traittrace-probe",
                "Role audit-runner", "RoleBinding audit-runner", "NetworkPolicy traittrace-probe",
                "NetworkPolicy traittrace-probe-model-fetch"));
        if (overlay.endsWith("production")) {
            Rendered.of(overlay).trees("LocalQueue").forEach(queue -> expected.add("LocalQueue " + queue.path("metadata").path("name").asText()));
            assertThat(expected).as("one LocalQueue per organisation").contains("LocalQueue traittrace-default");
        }
        assertThat(probeSide).containsExactlyInAnyOrderElementsOf(expected);
        // Only probe pods run there, and the Jobs the runner writes meet restricted.
        JsonNode labels = rendered.tree("Namespace", rendered.probeNamespace()).path("metadata").path("labels");
        assertThat(labels.path("pod-security.kubernetes.io/enforce").asText()).isEqualTo("restricted");
    }

    /**
     * A probe Job, as the runner builds it from this overlay's settings, cannot take more than its share of a node: CPU, memory
     * and ephemeral storage are limited in every container, every writable volume (/scratch, /tmp, a fetched model) is an
     * emptyDir with a size limit, and the probe's ephemeral-storage limit covers them (the kubelet counts emptyDirs against it).
     */
    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void probeJobsAreBoundedInCpuMemoryAndEveryByteTheyWrite(String overlay) {
        RunnerConfig.Kubernetes jobs = RunnerJobs.of(Rendered.of(overlay)).config().kubernetes();
        ModelMount fetched = new ModelMount("teacher", "s3", "/models/teacher", null, null, null, "registry.example.com/tools/aws-cli:2.17",
                List.of("aws", "s3", "sync", "s3://models/teacher", "/models/teacher"), null);
        RunLaunch run = new RunLaunch("audit-1", "acme", "2f1c0f8e-8f0e-4a59-9d3c-6f1f0b1d2a3e", "tt-audit-1-0-canary", null, "{}", "token", 1, null,
                3600, Map.of(), List.of(fetched));
        PodSpec pod = new JobSpecs(jobs, jobs.namespace().orElseThrow()).job(run, "tt-tokens-audit-1").getSpec().getTemplate().getSpec();

        List<Container> all = new ArrayList<>(pod.getInitContainers());
        all.addAll(pod.getContainers());
        for (Container container : all) {
            var resources = container.getResources();
            assertThat(resources.getLimits()).as(overlay + " " + container.getName() + " limits").containsKeys("cpu", "memory", "ephemeral-storage");
            resources.getRequests().forEach((resource, request) -> assertThat(amount(request))
                    .as(overlay + " " + container.getName() + " " + resource + " request within its limit")
                    .isLessThanOrEqualTo(amount(resources.getLimits().get(resource))));
        }
        List<Volume> emptyDirs = pod.getVolumes().stream().filter(volume -> volume.getEmptyDir() != null).toList();
        assertThat(emptyDirs).extracting(Volume::getName).containsExactlyInAnyOrder("scratch", "tmp", "model-teacher");
        assertThat(emptyDirs).allSatisfy(volume -> {
            assertThat(volume.getEmptyDir().getSizeLimit()).as(overlay + " " + volume.getName() + " sizeLimit").isNotNull();
            assertThat(volume.getEmptyDir().getMedium()).as(volume.getName() + " on disk, not in memory").isNullOrEmpty();
        });
        assertThat(pod.getVolumes()).as("nothing writable but the emptyDirs").allSatisfy(volume -> assertThat(volume.getHostPath()).isNull());
        Container probe = pod.getContainers().get(0);
        assertThat(probe.getVolumeMounts()).anySatisfy(mount -> assertThat(mount.getName() + "=" + mount.getMountPath()).isEqualTo("tmp=/tmp"));
        BigDecimal volumes = emptyDirs.stream().map(volume -> amount(volume.getEmptyDir().getSizeLimit())).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(amount(probe.getResources().getLimits().get("ephemeral-storage"))).as(overlay + " the probe's ephemeral storage covers its volumes")
                .isGreaterThan(volumes);
    }

    /** Every overlay sets the runner's quotas (the variables bind to its typed configuration), and they are usable. */
    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void theRunnersQuotasAreSetAndConsistent(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        Map<String, String> set = rendered.configMap("audit-runner").getData();
        RunnerConfig.Quotas quotas = RunnerJobs.of(rendered).config().quotas();
        assertThat(quotas.maxAuditsInFlight()).isEqualTo(Integer.parseInt(set.get("RUNNER_QUOTAS_MAX_AUDITS_IN_FLIGHT"))).isPositive();
        assertThat(quotas.gpuHoursPerDay()).isEqualTo(Double.parseDouble(set.get("RUNNER_QUOTAS_GPU_HOURS_PER_DAY"))).isPositive();
        assertThat(quotas.policyMaxAuditsInFlight()).isEqualTo(Integer.parseInt(set.get("RUNNER_QUOTAS_POLICY_MAX_AUDITS_IN_FLIGHT"))).isPositive();
        assertThat(quotas.maxRuns()).isEqualTo(Integer.parseInt(set.get("RUNNER_QUOTAS_MAX_RUNS"))).isPositive();
        assertThat(quotas.maxGpusPerRun()).isEqualTo(Integer.parseInt(set.get("RUNNER_QUOTAS_MAX_GPUS_PER_RUN"))).isPositive();
        assertThat(quotas.maxDeadline()).isEqualTo(Duration.parse(set.get("RUNNER_QUOTAS_MAX_DEADLINE")));
        assertThat(quotas.defaultDeadline()).isEqualTo(Duration.parse(set.get("RUNNER_QUOTAS_DEFAULT_DEADLINE")))
                .as("a request without a deadline is accepted").isLessThanOrEqualTo(quotas.maxDeadline());
        // A run with the most GPUs, at the default deadline, fits a caller's day.
        assertThat(quotas.gpuHoursPerDay()).isGreaterThanOrEqualTo(quotas.maxGpusPerRun() * quotas.defaultDeadline().toHours());
    }

    private static BigDecimal amount(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity);
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void eachDatabaseAdmitsOnlyItsOwner(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        for (JsonNode cluster : rendered.trees("Cluster")) {
            String name = cluster.path("metadata").path("name").asText();
            String owner = cluster.path("metadata").path("labels").path("traittrace.io/database-of").asText();
            NetworkPolicy policy = rendered.one(NetworkPolicy.class, name);
            assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                    .containsExactly(Map.entry("cnpg.io/cluster", name));
            List<String> peers = policy.getSpec().getIngress().stream()
                    .flatMap(rule -> rule.getFrom().stream())
                    .map(peer -> peer.getNamespaceSelector() != null
                            ? "namespace " + peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name")
                            : peer.getPodSelector().getMatchLabels().toString())
                    .toList();
            String ownerPeer = owner.equals("keycloak")
                    ? "{app.kubernetes.io/managed-by=keycloak-operator}"
                    : "{app.kubernetes.io/name=" + owner + "}";
            assertThat(peers).as(name).containsExactlyInAnyOrder(
                    ownerPeer, "{cnpg.io/cluster=" + name + "}", "namespace cnpg-system");
        }
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void everyObjectCarriesTheStandardLabels(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        for (int i = 0; i < rendered.objects().size(); i++) {
            JsonNode labels = rendered.trees().get(i).path("metadata").path("labels");
            String what = rendered.trees().get(i).path("kind").asText() + " "
                    + rendered.trees().get(i).path("metadata").path("name").asText();
            assertThat(labels.path("app.kubernetes.io/name").asText()).as(what + " name label").isNotEmpty();
            assertThat(labels.path("app.kubernetes.io/part-of").asText()).as(what + " part-of").isEqualTo("traittrace");
        }
        for (Deployment deployment : rendered.all(Deployment.class)) {
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/name", deployment.getMetadata().getName())
                    .containsEntry("app.kubernetes.io/part-of", "traittrace");
            assertThat(deployment.getSpec().getSelector().getMatchLabels())
                    .containsExactly(Map.entry("app.kubernetes.io/name", deployment.getMetadata().getName()));
        }
    }

    /** The pods a service admits: by name, and the namespace they are in when it is not the service's. */
    private static List<String> callers(Rendered rendered, String service) {
        return rendered.one(NetworkPolicy.class, service).getSpec().getIngress().stream()
                .flatMap(rule -> rule.getFrom().stream())
                .filter(peer -> peer.getPodSelector() != null)
                .map(PolicyTest::pods)
                .toList();
    }

    private static String pods(NetworkPolicyPeer peer) {
        String name = peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name");
        if (peer.getNamespaceSelector() == null) {
            return name;
        }
        Map<String, String> namespace = Objects.requireNonNullElse(peer.getNamespaceSelector().getMatchLabels(), Map.of());
        return name + " in " + namespace.getOrDefault("kubernetes.io/metadata.name", "any namespace");
    }

    private static void assertHealthProbe(String name, Probe probe, String path, Set<String> ports) {
        assertThat(probe).as(name + " probe " + path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(name).isEqualTo(path);
        assertThat(ports).as(name + " probe port").contains(probe.getHttpGet().getPort().getStrVal());
    }

    private static void assertPinned(String image) {
        String lastSegment = image.substring(image.lastIndexOf('/') + 1);
        assertThat(lastSegment).as(image).contains(":");
        String tag = lastSegment.substring(lastSegment.indexOf(':') + 1);
        assertThat(tag).as(image).isNotBlank().isNotEqualToIgnoringCase("latest");
    }

    private static List<Container> containers(PodSpec pod) {
        return java.util.stream.Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).toList();
    }

}
