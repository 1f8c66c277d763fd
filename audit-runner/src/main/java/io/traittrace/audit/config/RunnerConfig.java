package io.traittrace.audit.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything the runner is configured with, typed; {@code application.properties} documents each default. */
@ConfigMapping(prefix = "runner")
public interface RunnerConfig {

    /** Which executor runs the probe Jobs. */
    ExecutorKind executor();

    Local local();

    Kubernetes kubernetes();

    Limits limits();

    Quotas quotas();

    Policy policy();

    Verdicts verdicts();

    Events events();

    Metrics metrics();

    Storage storage();

    ImageAudits imageAudits();

    /**
     * Key (base64, at least 32 bytes) of the per-run result tokens: a run's token is HMAC-SHA256(key, run id), so a
     * restarted runner can re-issue it and nothing secret is stored. Rotating it invalidates runs in flight.
     */
    String runTokenKey();

    /** How often runs the executor never confirmed are handed to it again (read by the scheduler). */
    @WithDefault("15s")
    Duration reconcileInterval();

    /** Version string the runner puts into audit-completed and the Jobs' labels. */
    @WithDefault("0.1.0")
    String version();

    enum ExecutorKind {
        LOCAL, KUBERNETES
    }

    interface Local {
        /** The probe command: {@code bin/probe} of this repository, or an installed one. */
        String probeCommand();

        /** Where each run gets its directory (spec, result, log). */
        Path workDirectory();

        /** Probe processes at once. */
        @WithDefault("1")
        int concurrency();

        /**
         * The only variables a probe process inherits from the runner's environment: what Java, DJL and the GPU need. The rest
         * (the run-token key, the OIDC client secret, database passwords) never reaches code that reads a request's paths.
         */
        @WithDefault("PATH,HOME,LANG,LC_ALL,TZ,TMPDIR,JAVA_HOME,DJL_CACHE_DIR,PROBE_JAVA_OPTS,CUDA_VISIBLE_DEVICES,LD_LIBRARY_PATH")
        List<String> inheritedEnvironment();
    }

    interface Kubernetes {
        /** Namespace of the Jobs; the client's namespace when absent. */
        Optional<String> namespace();

        /** The built-in probe's image. */
        String image();

        /** The built-in probe's command; the spec, result URL and token come as environment variables. */
        List<String> command();

        @WithDefault("IfNotPresent")
        String imagePullPolicy();

        /** Extended resource name of a GPU. */
        @WithDefault("nvidia.com/gpu")
        String gpuResource();

        /** Node label that carries the GPU type; an audit's {@code gpuType} becomes a nodeSelector on it. */
        @WithDefault("nvidia.com/gpu.product")
        String gpuTypeLabel();

        Map<String, String> nodeSelector();

        List<Toleration> tolerations();

        Optional<String> priorityClass();

        /**
         * Kueue LocalQueue of each organisation, a name pattern where {@code {organization}} stands for the audit's
         * organisation (e.g. {@code traittrace-{organization}}); when set, Jobs carry {@code kueue.x-k8s.io/queue-name} and
         * start suspended. Unset, Jobs start at once (a cluster without Kueue).
         */
        Optional<String> kueueQueue();

        Optional<String> serviceAccount();

        @WithDefault("2")
        int backoffLimit();

        @WithDefault("3600")
        int ttlSecondsAfterFinished();

        /** Size limit of the writable scratch volume at /scratch. */
        @WithDefault("20Gi")
        String scratchSize();

        /** Size limit of the writable volume at /tmp (TMPDIR; an s3 fetch container's HOME). */
        @WithDefault("1Gi")
        String tmpSize();

        /** Size limit of the volume each {@code s3://} model is fetched into (it counts against the pod's ephemeral storage). */
        @WithDefault("100Gi")
        String fetchedModelSize();

        @WithDefault("2")
        String cpuRequest();

        /** The probe container's CPU limit: a probe is throttled above it, and cannot starve its node's other pods. */
        @WithDefault("4")
        String cpuLimit();

        /**
         * The probe container's own ephemeral storage (its logs; the root filesystem is read-only), requested and limited. The
         * Job's request and limit are these plus the size limits of the pod's emptyDir volumes (/scratch, /tmp, fetched
         * models), which the kubelet counts against the pod's total.
         */
        @WithDefault("1Gi")
        String ephemeralStorageRequest();

        @WithDefault("2Gi")
        String ephemeralStorageLimit();

        @WithDefault("8Gi")
        String memoryRequest();

        @WithDefault("16Gi")
        String memoryLimit();

        @WithDefault("10001")
        long runAsUser();

        /** The runner's base URL as pods see it; results go to {@code <resultUrl>/api/runs/<run>/result}. */
        String resultUrl();

        /**
         * How long the readiness check waits for the Kubernetes API before it reports DOWN; keep it below the
         * readiness probe's {@code timeoutSeconds}.
         */
        @WithDefault("2s")
        Duration healthCheckTimeout();
    }

    /** Where the weights a trait-eval audit loads come from, per scheme of the models' lineage URIs. */
    interface Storage {
        /** Local executor: the directories {@code file://} model URIs may point under; none configured, file models are refused. */
        Optional<List<Path>> fileRoots();

        /** Jobs: each model is mounted read-only at this root plus its role ({@code /models/student}). */
        @WithDefault("/models")
        String mountRoot();

        /** Jobs: the image of the init container that fetches {@code s3://} models; unset, s3 models are refused. */
        Optional<String> s3FetchImage();

        /** Its command; {bucket}, {prefix} and {target} are filled in (no shell). */
        @WithDefault("aws,s3,sync,s3://{bucket}/{prefix},{target},--only-show-errors")
        List<String> s3FetchCommand();

        /** A Secret whose keys become the fetch container's environment (AWS_ACCESS_KEY_ID, ...); unset for workload identity. */
        Optional<String> s3CredentialsSecret();
    }

    /**
     * A team's own container ({@code protocol: image}) reports the scores it likes, so its certificates are self-attested and
     * it runs only images vetted by digest: those listed here for auditors, any digest-pinned image for admins.
     */
    interface ImageAudits {
        /** Image references pinned by digest ({@code registry/team/probe@sha256:…}) that auditors may run. */
        Optional<List<String>> allowedImages();
    }

    interface Toleration {
        String key();

        @WithDefault("Exists")
        String operator();

        Optional<String> value();

        Optional<String> effect();
    }

    interface Limits {
        @WithDefault("100")
        int maxSeedsPerArm();

        @WithDefault("32")
        int maxTraits();

        /** Serialized size of {@code parameters}. */
        @WithDefault("16384")
        int maxParametersBytes();

        @WithDefault("200")
        int maxPageSize();

        @WithDefault("50")
        int defaultPageSize();

        /**
         * The MNIST-format data directories a canary audit may name as its {@code data}, besides "synthetic": data the
         * probe's machine or image holds, never an arbitrary path of the runner's choosing.
         */
        @WithDefault("/usr/share/datasets/fashion-mnist,/usr/share/datasets/mnist")
        List<String> canaryData();
    }

    /**
     * What one caller, and one audit, may take, checked before anything is stored or started. Per caller (admins are exempt;
     * the exposure policy is a caller of its own): audits in flight, and GPU-hours reserved in the last 24 hours, where an
     * audit reserves runs × GPUs per run × its deadline in hours when it is accepted (an upper bound of what its Jobs may
     * hold: a run that ends early gives nothing back, and a cancelled audit's reservation stays in the window). Per audit
     * (everyone, admins too): runs, GPUs per run, and the deadline of each run.
     */
    interface Quotas {
        /** Per caller: audits requested by it that have not ended (RUNNING). */
        @WithDefault("20")
        int maxAuditsInFlight();

        /** Per caller: GPU-hours its audits accepted in the last 24 hours reserve. */
        @WithDefault("500")
        double gpuHoursPerDay();

        /**
         * The exposure policy's audits in flight (instead of {@link #maxAuditsInFlight}): it acts with the operator's authority,
         * but any auditor's lineage writes decide how many exposures it sees. An exposure beyond it is recorded as a FAILED audit
         * that says so.
         */
        @WithDefault("100")
        int policyMaxAuditsInFlight();

        /** Per audit: runs (Jobs or probe processes) of its plan. */
        @WithDefault("100")
        int maxRuns();

        /** Per audit: GPUs each run may ask for. */
        @WithDefault("8")
        int maxGpusPerRun();

        /** Per audit: the longest deadline a run may ask for (the Job's activeDeadlineSeconds; locally, the process is killed). */
        @WithDefault("P7D")
        Duration maxDeadline();

        /** The deadline of each run when the request names none. */
        @WithDefault("PT6H")
        Duration defaultDeadline();

        /** Per organisation: the defaults a platform admin may override per organisation (stored in the database). */
        OrganizationQuota organization();
    }

    /**
     * What one organisation's audits may take together, whoever asks (admins and the exposure policy too): its share of the
     * cluster is the organisation's, not a caller's.
     */
    interface OrganizationQuota {
        /** Audits of the organisation that have not ended (RUNNING). */
        @WithDefault("200")
        int maxAuditsInFlight();

        /** GPU-hours the organisation's audits accepted in the last {@link #period} reserve. */
        @WithDefault("5000")
        double gpuHoursPerPeriod();

        /** The rolling window of {@link #gpuHoursPerPeriod}. */
        @WithDefault("P7D")
        Duration period();
    }

    interface Policy {
        /** What an {@code exposure-detected} event does. */
        @WithDefault("OFF")
        PolicyMode mode();

        /** With {@code LISTED}: the teacher family roots (lineage model ids) whose exposures get an audit. */
        Optional<List<String>> teacherFamilies();

        /** The audit an exposure queues. */
        @WithDefault("canary")
        String protocol();

        /** Enough for 80 % power at the canary's default margin (see {@link Verdicts}). */
        @WithDefault("6")
        int seedsPerArm();

        /** The queued audit's margin; the protocol's default when absent. */
        Optional<Double> margin();

        /** Parameters of the queued audit, as JSON text. */
        @WithDefault("{}")
        String parameters();
    }

    /**
     * What a verdict is judged against, per built-in protocol: the default margin (the largest effect an audit may call
     * "no transfer") and the protocol's measured seed-to-seed SD of its primary within-seed difference, from which the
     * runner states power and minimum detectable effect and refuses plans below 80 % power at the margin. Unset, the
     * protocol's own defaults apply.
     */
    interface Verdicts {
        ProtocolVerdict canary();

        ProtocolVerdict numbers();
    }

    /** Overrides of the protocol's defaults, which {@code VerdictPlans} (probe-contract) states with their sources. */
    interface ProtocolVerdict {
        Optional<Double> margin();

        Optional<Double> seedSd();
    }

    enum PolicyMode {
        OFF, ALL, LISTED
    }

    interface Events {
        /** CloudEvents {@code source} of every event this service publishes. */
        String source();
    }

    interface Metrics {
        /** How often audits by state and waiting runs are counted in the database (read by the scheduler). */
        @WithDefault("15s")
        Duration refreshInterval();
    }
}
