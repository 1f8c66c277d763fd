package io.traittrace.audit.executor;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.domain.KubernetesNames;
import io.traittrace.probe.contract.ProbeContract;

/**
 * The Kubernetes objects of an audit's runs: one token Secret per audit and one Job per run. Pure: builds
 * objects from the configuration and the runs, talks to nothing.
 */
public final class JobSpecs {

    public static final String LABEL_NAME = "app.kubernetes.io/name";
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String LABEL_PART_OF = "app.kubernetes.io/part-of";
    /** Label-safe audit id ({@link KubernetesNames#labelValue}); selects an audit's objects. */
    public static final String LABEL_AUDIT_ID = "traittrace.io/audit-id";
    /** Label-safe run id. */
    public static final String LABEL_RUN_ID = "traittrace.io/run-id";
    /**
     * On the pods of runs with an {@code s3://} model ({@value #FETCHES_S3}): the NetworkPolicy that lets their fetch
     * container reach the object store selects them by it; every other probe pod reaches only the runner and DNS.
     */
    public static final String LABEL_FETCHES_MODELS = "traittrace.io/fetches-models";
    public static final String FETCHES_S3 = "s3";
    public static final String LABEL_KUEUE_QUEUE = "kueue.x-k8s.io/queue-name";
    /** The audit's organisation, on every object of the audit (its Jobs, their pods, its Secret). */
    public static final String LABEL_ORGANIZATION = "traittrace.io/organization";
    /** In {@code runner.kubernetes.kueue-queue}: the audit's organisation, so that each organisation has its LocalQueue. */
    public static final String ORGANIZATION_PLACEHOLDER = "{organization}";
    /** The raw audit id, under the same key as the label. */
    public static final String ANNOTATION_AUDIT_ID = LABEL_AUDIT_ID;
    /** The raw run id, under the same key as the label: what status reports name. */
    public static final String ANNOTATION_RUN_ID = LABEL_RUN_ID;

    public static final String PROBE_NAME = "traittrace-probe";
    public static final String MANAGED_BY = "traittrace-audit-runner";
    public static final String PART_OF = "traittrace";
    public static final String CONTAINER_NAME = "probe";

    /**
     * The probe's exit codes for failures a retry cannot fix (audit-probe's {@code ProbeException}): bad spec,
     * bad data, result refused by the runner.
     */
    static final List<Integer> PERMANENT_FAILURE_EXIT_CODES = List.of(2, 3, 4);

    static final String SCRATCH_PATH = "/scratch";
    static final String TMP_PATH = "/tmp";
    static final String EPHEMERAL_STORAGE = "ephemeral-storage";
    /** An s3 fetch container's own writes (its logs; it fetches into the model's volume, its HOME is /tmp). */
    static final String FETCH_EPHEMERAL_STORAGE = "256Mi";

    /** What the API server accepts as a Secret key; a run id becomes one. */
    private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");

    private final RunnerConfig.Kubernetes config;
    private final String namespace;

    public JobSpecs(RunnerConfig.Kubernetes config, String namespace) {
        this.config = Objects.requireNonNull(config, "config");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        // Checked once, at start: the API server would refuse every Job whose limit lies below its request.
        atMost("cpu-request", config.cpuRequest(), "cpu-limit", config.cpuLimit());
        atMost("memory-request", config.memoryRequest(), "memory-limit", config.memoryLimit());
        atMost("ephemeral-storage-request", config.ephemeralStorageRequest(), "ephemeral-storage-limit", config.ephemeralStorageLimit());
        for (String size : List.of(config.scratchSize(), config.tmpSize(), config.fetchedModelSize())) {
            new Quantity(size).getNumericalAmount();
        }
    }

    private static void atMost(String requestKey, String request, String limitKey, String limit) {
        if (new Quantity(request).getNumericalAmount().compareTo(new Quantity(limit).getNumericalAmount()) > 0) {
            throw new IllegalArgumentException("runner.kubernetes." + requestKey + " (" + request + ") is above runner.kubernetes." + limitKey + " ("
                    + limit + ")");
        }
    }

    /** The labels every object of the audit carries, and by which a restarted runner or a cancel finds them. */
    public static Map<String, String> auditLabels(String auditId, String organization) {
        if (!Organizations.isAlias(organization)) {
            throw new IllegalArgumentException("audit " + auditId + ": the organisation is not an alias: " + organization);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_NAME, PROBE_NAME);
        labels.put(LABEL_MANAGED_BY, MANAGED_BY);
        labels.put(LABEL_PART_OF, PART_OF);
        labels.put(LABEL_AUDIT_ID, KubernetesNames.labelValue(auditId));
        labels.put(LABEL_ORGANIZATION, organization);
        return labels;
    }

    /** The organisation's Kueue LocalQueue ({@code runner.kubernetes.kueue-queue} with the organisation filled in), if Kueue is on. */
    public Optional<String> kueueQueue(String organization) {
        return config.kueueQueue().map(pattern -> pattern.replace(ORGANIZATION_PLACEHOLDER, organization));
    }

    /** The audit's token Secret: one key per run (the run id), holding the run's token. */
    public Secret tokenSecret(String auditId, List<RunLaunch> runs) {
        Map<String, String> data = new LinkedHashMap<>();
        String organization = runs.isEmpty() ? null : runs.get(0).organization();
        for (RunLaunch run : runs) {
            if (!auditId.equals(run.auditId()) || !run.organization().equals(organization)) {
                throw new IllegalArgumentException(run + " is not a run of audit " + auditId + " in " + organization);
            }
            data.put(checkedRunId(run.runId()), base64(run.token()));
        }
        return new SecretBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(KubernetesNames.tokenSecretName(auditId))
                        .withNamespace(namespace)
                        .withLabels(auditLabels(auditId, organization))
                        .withAnnotations(Map.of(ANNOTATION_AUDIT_ID, auditId))
                        .build())
                .withType("Opaque")
                .withData(data)
                .build();
    }

    /** The run's Job; its token comes from key {@code runId} of Secret {@code secretName}. */
    public Job job(RunLaunch run, String secretName) {
        if (!KubernetesNames.isDnsLabel(run.jobName())) {
            throw new IllegalArgumentException(run + ": the job name is not a DNS-1123 label");
        }
        checkedRunId(run.runId());
        if (run.gpuType() != null && !KubernetesNames.isLabelValue(run.gpuType())) {
            throw new IllegalArgumentException(run + ": the GPU type is not a valid node label value");
        }
        Map<String, String> runLabels = runLabels(run);
        Map<String, String> jobLabels = new LinkedHashMap<>(runLabels);
        // On the Job only: Kueue admits (and suspends) the Job as a whole; its pods need no queue of their own.
        Optional<String> queue = kueueQueue(run.organization());
        if (queue.isPresent() && !KubernetesNames.isLabelValue(queue.get())) {
            throw new IllegalArgumentException(run + ": the Kueue queue " + queue.get() + " is not a valid label value");
        }
        queue.ifPresent(name -> jobLabels.put(LABEL_KUEUE_QUEUE, name));
        Map<String, String> annotations = Map.of(ANNOTATION_AUDIT_ID, run.auditId(), ANNOTATION_RUN_ID, run.runId());

        return new JobBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(run.jobName())
                        .withNamespace(namespace)
                        .withLabels(jobLabels)
                        .withAnnotations(annotations)
                        .build())
                .withNewSpec()
                .withBackoffLimit(config.backoffLimit())
                .withActiveDeadlineSeconds(run.deadlineSeconds())
                .withTtlSecondsAfterFinished(config.ttlSecondsAfterFinished())
                .withPodFailurePolicy(podFailurePolicy())
                // Kueue resumes the Job once the queue admits it.
                .withSuspend(queue.isPresent() ? Boolean.TRUE : null)
                .withNewTemplate()
                .withMetadata(new ObjectMetaBuilder().withLabels(runLabels).withAnnotations(annotations).build())
                .withSpec(podSpec(run, secretName))
                .endTemplate()
                .endSpec()
                .build();
    }

    /** {@code run.labels()} first, so that no run label can pass for one of the runner's own. */
    private static Map<String, String> runLabels(RunLaunch run) {
        Map<String, String> labels = new LinkedHashMap<>(run.labels() == null ? Map.of() : run.labels());
        labels.putAll(auditLabels(run.auditId(), run.organization()));
        labels.put(LABEL_RUN_ID, KubernetesNames.labelValue(run.runId()));
        if (run.models().stream().anyMatch(model -> "s3".equals(model.kind()))) {
            labels.put(LABEL_FETCHES_MODELS, FETCHES_S3);
        }
        return labels;
    }

    private static PodFailurePolicy podFailurePolicy() {
        return new PodFailurePolicyBuilder()
                // Preemption, eviction, node drain: not the probe's fault, so not a retry used up.
                .addNewRule()
                .withAction("Ignore")
                .addNewOnPodCondition().withType("DisruptionTarget").withStatus("True").endOnPodCondition()
                .endRule()
                // The probe says the spec or data is bad or its result was refused: running again gives the same.
                .addNewRule()
                .withAction("FailJob")
                .withNewOnExitCodes()
                .withContainerName(CONTAINER_NAME)
                .withOperator("In")
                .withValues(PERMANENT_FAILURE_EXIT_CODES)
                .endOnExitCodes()
                .endRule()
                .build();
    }

    private PodSpec podSpec(RunLaunch run, String secretName) {
        Map<String, String> nodeSelector = new LinkedHashMap<>(config.nodeSelector());
        if (run.gpuType() != null && !run.gpuType().isEmpty()) {
            nodeSelector.put(config.gpuTypeLabel(), run.gpuType());
        }
        return new PodSpecBuilder()
                .withRestartPolicy("Never")
                .withServiceAccountName(config.serviceAccount().orElse(null))
                .withPriorityClassName(config.priorityClass().orElse(null))
                // The probe never calls the Kubernetes API.
                .withAutomountServiceAccountToken(false)
                .withNodeSelector(nodeSelector.isEmpty() ? null : nodeSelector)
                .withTolerations(tolerations())
                .withSecurityContext(new PodSecurityContextBuilder()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(config.runAsUser())
                        .withRunAsGroup(config.runAsUser())
                        .withFsGroup(config.runAsUser())
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .build())
                .withInitContainers(fetchContainers(run))
                .withContainers(container(run, secretName))
                .withVolumes(volumes(run))
                .build();
    }

    /** Every writable volume is an emptyDir with a size limit: the kubelet evicts a pod that writes more. */
    private List<Volume> volumes(RunLaunch run) {
        List<Volume> volumes = new ArrayList<>(List.of(
                new VolumeBuilder().withName("scratch").withNewEmptyDir().withSizeLimit(new Quantity(config.scratchSize())).endEmptyDir().build(),
                new VolumeBuilder().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity(config.tmpSize())).endEmptyDir().build()));
        for (ModelMount model : run.models()) {
            VolumeBuilder volume = new VolumeBuilder().withName(modelVolume(model));
            switch (model.kind()) {
            case "pvc" -> volume.withNewPersistentVolumeClaim().withClaimName(model.claim()).withReadOnly(true).endPersistentVolumeClaim();
            // An image volume (Kubernetes 1.31+, ImageVolume): the artifact's layers, read-only, pulled once per node.
            case "oci" -> volume.withNewImage().withReference(model.reference()).withPullPolicy("IfNotPresent").endImage();
            case "s3" -> volume.withNewEmptyDir().withSizeLimit(new Quantity(config.fetchedModelSize())).endEmptyDir();
            default -> throw new IllegalArgumentException("cannot mount a " + model.kind() + " model in a Job");
            }
            volumes.add(volume.build());
        }
        return volumes;
    }

    /** The probe's view of each model: read-only at its mount path (a claim's sub-path, or the whole volume). */
    private static List<VolumeMount> modelMounts(RunLaunch run) {
        return run.models().stream().map(model -> new VolumeMountBuilder().withName(modelVolume(model)).withMountPath(model.mountPath())
                .withSubPath("pvc".equals(model.kind()) && !model.subPath().isEmpty() ? model.subPath() : null).withReadOnly(true).build()).toList();
    }

    /** For each s3 model, an init container that copies the prefix into its volume before the probe starts. */
    private List<Container> fetchContainers(RunLaunch run) {
        List<Container> fetch = new ArrayList<>();
        for (ModelMount model : run.models().stream().filter(m -> "s3".equals(m.kind())).toList()) {
            ContainerBuilder container = new ContainerBuilder()
                    .withName("fetch-" + model.role())
                    .withImage(model.fetchImage())
                    .withCommand(model.fetchCommand())
                    .withImagePullPolicy(config.imagePullPolicy())
                    .withEnv(new EnvVarBuilder().withName("HOME").withValue(TMP_PATH).build())
                    .withResources(new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("500m")).addToRequests("memory", new Quantity("512Mi"))
                            .addToRequests(EPHEMERAL_STORAGE, new Quantity(FETCH_EPHEMERAL_STORAGE))
                            .addToLimits("cpu", new Quantity("1")).addToLimits("memory", new Quantity("1Gi"))
                            .addToLimits(EPHEMERAL_STORAGE, new Quantity(FETCH_EPHEMERAL_STORAGE)).build())
                    .withSecurityContext(new SecurityContextBuilder()
                            .withAllowPrivilegeEscalation(false)
                            .withReadOnlyRootFilesystem(true)
                            .withRunAsNonRoot(true)
                            .withNewCapabilities().withDrop("ALL").endCapabilities()
                            .build())
                    .withVolumeMounts(new VolumeMountBuilder().withName(modelVolume(model)).withMountPath(model.mountPath()).build(),
                            new VolumeMountBuilder().withName("tmp").withMountPath(TMP_PATH).build());
            if (model.credentialsSecret() != null) {
                container.withEnvFrom(new EnvFromSourceBuilder().withNewSecretRef().withName(model.credentialsSecret()).endSecretRef().build());
            }
            fetch.add(container.build());
        }
        return fetch;
    }

    private static String modelVolume(ModelMount model) {
        return "model-" + model.role();
    }

    private List<Toleration> tolerations() {
        List<Toleration> tolerations = new ArrayList<>();
        for (RunnerConfig.Toleration toleration : config.tolerations()) {
            tolerations.add(new TolerationBuilder()
                    .withKey(toleration.key())
                    .withOperator(toleration.operator())
                    .withValue(toleration.value().orElse(null))
                    .withEffect(toleration.effect().orElse(null))
                    .build());
        }
        return tolerations;
    }

    private Container container(RunLaunch run, String secretName) {
        boolean builtInProbe = run.image() == null;
        // The kubelet counts emptyDirs against the pod's ephemeral storage: the probe's own allowance plus every volume's limit.
        BigDecimal volumes = volumeBytes(run);
        ResourceRequirementsBuilder resources = new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity(config.cpuRequest()))
                .addToRequests("memory", new Quantity(config.memoryRequest()))
                .addToRequests(EPHEMERAL_STORAGE, bytes(new Quantity(config.ephemeralStorageRequest()).getNumericalAmount().add(volumes)))
                .addToLimits("cpu", new Quantity(config.cpuLimit()))
                .addToLimits("memory", new Quantity(config.memoryLimit()))
                .addToLimits(EPHEMERAL_STORAGE, bytes(new Quantity(config.ephemeralStorageLimit()).getNumericalAmount().add(volumes)));
        if (run.gpus() > 0) {
            Quantity gpus = new Quantity(Integer.toString(run.gpus()));
            resources.addToRequests(config.gpuResource(), gpus).addToLimits(config.gpuResource(), gpus);
        }
        return new ContainerBuilder()
                .withName(CONTAINER_NAME)
                .withImage(builtInProbe ? config.image() : run.image())
                // A team's own image keeps its entrypoint; only the built-in probe is told what to run.
                .withCommand(builtInProbe && !config.command().isEmpty() ? config.command() : null)
                .withImagePullPolicy(config.imagePullPolicy())
                .withEnv(env(run, secretName))
                .withResources(resources.build())
                .withSecurityContext(new SecurityContextBuilder()
                        .withAllowPrivilegeEscalation(false)
                        .withReadOnlyRootFilesystem(true)
                        .withRunAsNonRoot(true)
                        .withNewCapabilities().withDrop("ALL").endCapabilities()
                        .build())
                .withVolumeMounts(volumeMounts(run))
                .build();
    }

    /** The size limits of the run's emptyDirs, in bytes. */
    private BigDecimal volumeBytes(RunLaunch run) {
        BigDecimal total = new Quantity(config.scratchSize()).getNumericalAmount().add(new Quantity(config.tmpSize()).getNumericalAmount());
        long fetched = run.models().stream().filter(m -> "s3".equals(m.kind())).count();
        return total.add(new Quantity(config.fetchedModelSize()).getNumericalAmount().multiply(BigDecimal.valueOf(fetched)));
    }

    /** Bytes as a quantity, in the largest binary unit that divides them (22Gi rather than 23622320128). */
    private static Quantity bytes(BigDecimal amount) {
        BigDecimal whole = amount.setScale(0, RoundingMode.CEILING);
        for (String unit : List.of("Ti", "Gi", "Mi", "Ki")) {
            BigDecimal[] split = whole.divideAndRemainder(Quantity.getAmountInBytes(new Quantity("1" + unit)));
            if (split[1].signum() == 0 && split[0].signum() > 0) {
                return new Quantity(split[0].toPlainString(), unit);
            }
        }
        return new Quantity(whole.toPlainString());
    }

    private static List<VolumeMount> volumeMounts(RunLaunch run) {
        List<VolumeMount> mounts = new ArrayList<>(List.of(new VolumeMountBuilder().withName("scratch").withMountPath(SCRATCH_PATH).build(),
                new VolumeMountBuilder().withName("tmp").withMountPath(TMP_PATH).build()));
        mounts.addAll(modelMounts(run));
        return mounts;
    }

    private List<EnvVar> env(RunLaunch run, String secretName) {
        return List.of(
                new EnvVarBuilder().withName(ProbeContract.SPEC_ENV).withValue(run.specJson()).build(),
                new EnvVarBuilder().withName(ProbeContract.RESULT_URL_ENV).withValue(resultUrl(run.runId())).build(),
                new EnvVarBuilder().withName(ProbeContract.RUN_TOKEN_ENV)
                        .withNewValueFrom()
                        .withNewSecretKeyRef().withName(secretName).withKey(run.runId()).endSecretKeyRef()
                        .endValueFrom()
                        .build(),
                // The root filesystem is read-only: home and temporary files go to the writable volumes.
                new EnvVarBuilder().withName("HOME").withValue(SCRATCH_PATH).build(),
                new EnvVarBuilder().withName("TMPDIR").withValue(TMP_PATH).build());
    }

    private String resultUrl(String runId) {
        String base = config.resultUrl();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + "/api/runs/" + runId + "/result";
    }

    /**
     * A run id names a Secret key and a path segment of the result URL: checked here rather than left to the API
     * server, since {@code .} and {@code ..} would mean something else in the URL.
     */
    private static String checkedRunId(String runId) {
        if (runId == null || !SECRET_KEY.matcher(runId).matches() || runId.startsWith("..") || runId.equals(".")) {
            throw new IllegalArgumentException("Run id " + runId + " cannot name a Secret key");
        }
        return runId;
    }

    private static String base64(String token) {
        return Base64.getEncoder().encodeToString(Objects.requireNonNull(token, "token").getBytes(StandardCharsets.UTF_8));
    }
}
