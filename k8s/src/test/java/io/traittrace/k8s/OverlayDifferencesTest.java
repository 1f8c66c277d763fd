package io.traittrace.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.executor.JobSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the production overlay adds to the base (availability, GPU scheduling, monitoring, logs) and dev does not. */
class OverlayDifferencesTest {

    private static final List<String> STATELESS = List.of("gateway", "lineage-service", "report-service");

    @Test
    void productionKeepsEveryStatelessServiceUpThroughADrain() {
        Rendered production = Rendered.of("overlays/production");
        for (String service : STATELESS) {
            Deployment deployment = production.one(Deployment.class, service);
            assertThat(deployment.getSpec().getReplicas()).as(service).isGreaterThanOrEqualTo(2);
            PodDisruptionBudget budget = production.one(PodDisruptionBudget.class, service);
            assertThat(budget.getSpec().getSelector().getMatchLabels())
                    .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
            assertThat(budget.getSpec().getMinAvailable().getIntVal()).isBetween(1, deployment.getSpec().getReplicas() - 1);
            assertThat(deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).isNotEmpty();
        }
        Deployment runner = production.one(Deployment.class, "audit-runner");
        assertThat(runner.getSpec().getReplicas()).as("one runner at a time").isEqualTo(1);
        assertThat(runner.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(production.find(PodDisruptionBudget.class, "audit-runner")).isEmpty();
    }

    @Test
    void productionReplicatesKafkaAndPostgres() {
        Rendered production = Rendered.of("overlays/production");
        int brokers = production.all(KafkaNodePool.class).stream().mapToInt(pool -> pool.getSpec().getReplicas()).sum();
        assertThat(brokers).isEqualTo(3);
        var config = production.one(Kafka.class, "traittrace").getSpec().getKafka().getConfig();
        assertThat(config).containsEntry("default.replication.factor", 3).containsEntry("min.insync.replicas", 2)
                .containsEntry("offsets.topic.replication.factor", 3);
        for (KafkaTopic topic : production.all(KafkaTopic.class)) {
            assertThat(topic.getSpec().getReplicas()).as(topic.getMetadata().getName()).isEqualTo(brokers);
            assertThat(topic.getSpec().getConfig()).containsEntry("min.insync.replicas", 2);
        }
        for (JsonNode cluster : production.trees("Cluster")) {
            assertThat(cluster.path("spec").path("instances").asInt()).isEqualTo(3);
        }
        assertThat(Rendered.of("overlays/dev").all(KafkaTopic.class))
                .allSatisfy(topic -> assertThat(topic.getSpec().getReplicas()).isEqualTo(1));
    }

    @Test
    void productionSchedulesProbeJobsOnGpusThroughKueue() {
        Rendered production = Rendered.of("overlays/production");
        RunnerConfig.Kubernetes jobs = RunnerJobs.of(production).config().kubernetes();
        String queue = new JobSpecs(jobs, jobs.namespace().orElseThrow()).kueueQueue(Organizations.DEFAULT).orElseThrow();
        JsonNode localQueue = production.tree("LocalQueue", queue);
        assertThat(localQueue.path("spec").path("clusterQueue").asText()).isNotEmpty();
        assertThat(localQueue.path("metadata").path("namespace").asText()).as("a Job's queue is in its namespace")
                .isEqualTo(jobs.namespace().orElseThrow());
        assertThat(jobs.nodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(jobs.tolerations()).anySatisfy(toleration -> {
            assertThat(toleration.key()).isEqualTo(jobs.gpuResource());
            assertThat(toleration.effect()).contains("NoSchedule");
        });

        RunnerConfig.Kubernetes dev = RunnerJobs.of(Rendered.of("overlays/dev")).config().kubernetes();
        assertThat(dev.kueueQueue()).isEmpty();
        assertThat(dev.tolerations()).isEmpty();
        assertThat(dev.nodeSelector()).isEmpty();
    }

    @Test
    void productionLogsJsonAndIsScrapedByServiceMonitors() {
        Rendered production = Rendered.of("overlays/production");
        Rendered dev = Rendered.of("overlays/dev");
        for (String service : Rendered.SERVICES) {
            ConfigMap configMap = production.configMap(service);
            assertThat(configMap.getData()).as(service).containsEntry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true")
                    .containsEntry("OTEL_SDK_DISABLED", "false")
                    .hasEntrySatisfying("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint -> assertThat(endpoint).startsWith("http").doesNotContain("localhost"));
            assertThat(dev.configMap(service).getData()).doesNotContainKeys("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "OTEL_SDK_DISABLED");
            JsonNode monitor = production.tree("ServiceMonitor", service);
            assertThat(monitor.path("spec").path("selector").path("matchLabels").path("app.kubernetes.io/name").asText())
                    .isEqualTo(service);
            assertThat(monitor.path("spec").path("endpoints").get(0).path("path").asText()).isEqualTo("/q/metrics");
            assertThat(monitor.path("spec").path("endpoints").get(0).path("port").asText()).isEqualTo("http");
        }
        assertThat(dev.trees("ServiceMonitor")).isEmpty();
    }

    @Test
    void productionAlertsOnParkedOutboxEventsAndABacklogKafkaIsNotTaking() throws IOException {
        Rendered production = Rendered.of("overlays/production");
        JsonNode rule = production.tree("PrometheusRule", "traittrace-outbox");
        List<JsonNode> alerts = new ArrayList<>();
        rule.path("spec").path("groups").forEach(group -> group.path("rules").forEach(alerts::add));
        assertThat(alerts).extracting(alert -> alert.path("alert").asText())
                .contains("TraitTraceOutboxEventParked", "TraitTraceOutboxBacklogOld", "TraitTraceOutboxBacklogGrowing");
        assertThat(alerts).anySatisfy(alert -> assertThat(alert.path("expr").asText())
                .contains("traittrace_outbox_parked_events").endsWith("> 0"));
        // Every metric an alert reads is one the services' outbox really registers (Micrometer's dotted name).
        String gauges = Files.readString(Rendered.ROOT.resolve(
                "service-support/src/main/java/io/traittrace/service/outbox/OutboxBacklog.java"));
        for (JsonNode alert : alerts) {
            Matcher metric = Pattern.compile("traittrace_[a-z_]+").matcher(alert.path("expr").asText());
            assertThat(metric.find()).as(alert.path("alert").asText()).isTrue();
            do {
                assertThat(gauges).as(alert.path("alert").asText()).contains("\"" + metric.group().replace('_', '.') + "\"");
            } while (metric.find());
        }
        assertThat(Rendered.of("overlays/dev").trees("PrometheusRule")).isEmpty();
    }

    @Test
    void productionPublishesTheGatewayAndLoginUnderTlsAndCertificatesNameThatHost() {
        Rendered production = Rendered.of("overlays/production");
        Ingress ingress = production.one(Ingress.class, "traittrace");
        assertThat(ingress.getSpec().getTls()).hasSize(2);
        var gatewayRule = ingress.getSpec().getRules().stream()
                .filter(rule -> rule.getHttp().getPaths().stream().allMatch(path -> path.getBackend().getService().getName().equals("gateway")))
                .findFirst().orElseThrow();
        assertThat(ingress.getSpec().getTls()).anySatisfy(tls -> assertThat(tls.getHosts()).contains(gatewayRule.getHost()));
        // Health and metrics (/q) stay inside the cluster: no ingress path reaches them on the gateway.
        assertThat(gatewayRule.getHttp().getPaths()).extracting(path -> path.getPath())
                .contains("/api", "/console")
                .allSatisfy(path -> assertThat(path).isNotIn("/", "/q").doesNotStartWith("/q/"));
        assertThat(production.configMap("report-service").getData())
                .containsEntry("REPORT_PUBLIC_URL", "https://" + gatewayRule.getHost());

        var loginRule = ingress.getSpec().getRules().stream()
                .filter(rule -> rule.getHttp().getPaths().get(0).getBackend().getService().getName()
                        .equals("keycloak-service"))
                .findFirst().orElseThrow();
        assertThat(production.tree("Keycloak", "keycloak").path("spec").path("hostname").path("hostname").asText())
                .isEqualTo("https://" + loginRule.getHost());
        assertThat(Rendered.of("overlays/dev").all(Ingress.class)).isEmpty();
    }

    /**
     * Behind the ingress the gateway's peer is always an ingress-controller pod: production names that pod range as
     * trusted, so each caller gets its own rate-limit bucket; a range as wide as the internet would let anyone choose
     * their bucket with X-Forwarded-For. Dev (port-forward, no ingress) trusts no one.
     */
    @Test
    void productionRateLimitsEachCallerBehindTheIngressNotTheIngressPod() {
        String trusted = Rendered.of("overlays/production").configMap("gateway").getData().get("GATEWAY_TRUSTED_PROXIES");
        assertThat(trusted).as("GATEWAY_TRUSTED_PROXIES in production").isNotBlank();
        for (String range : trusted.split(",")) {
            String[] parts = range.trim().split("/");
            assertThat(parts[0]).as(range).matches("(10|172|192)\\..*");
            assertThat(parts.length == 2 ? Integer.parseInt(parts[1]) : 32).as(range + ": a private range, not wider than /8").isGreaterThanOrEqualTo(8);
        }
        assertThat(Rendered.of("overlays/dev").configMap("gateway").getData()).doesNotContainKey("GATEWAY_TRUSTED_PROXIES");
    }
}
