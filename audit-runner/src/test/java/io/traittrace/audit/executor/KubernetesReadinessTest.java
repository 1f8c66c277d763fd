package io.traittrace.audit.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.traittrace.testsupport.Ports;

/** The readiness check against the mock API server, an address nothing listens on, and a server that never answers. */
@EnableKubernetesMockClient(crud = true)
class KubernetesReadinessTest {

    /** Short, for the test that waits for it; the others allow a cold client its first request. */
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final Duration GENEROUS = Duration.ofSeconds(10);

    static KubernetesClient client;

    @Test
    void upWhenTheApiListsJobs() {
        HealthCheckResponse response = call(new KubernetesReadiness(client, "traittrace-audits", GENEROUS));

        assertThat(response.getName()).isEqualTo("Kubernetes API");
        assertThat(response.getStatus()).as("%s", response.getData()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData()).get().extracting(data -> data.get("namespace")).isEqualTo("traittrace-audits");
    }

    @Test
    void downWithTheErrorWhenNothingListens() throws IOException {
        try (KubernetesClient unreachable = clientOf("http://127.0.0.1:" + Ports.free())) {
            HealthCheckResponse response = call(new KubernetesReadiness(unreachable, "traittrace-audits", GENEROUS));

            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(response.getData()).get().extracting(data -> (String) data.get("error")).asString().isNotBlank();
        }
    }

    @Test
    void downWhenTheApiDoesNotAnswerInTime() throws IOException {
        // Accepts connections and never answers.
        try (ServerSocket silent = new ServerSocket(0); KubernetesClient hanging = clientOf("http://127.0.0.1:" + silent.getLocalPort())) {
            long start = System.nanoTime();
            HealthCheckResponse response = call(new KubernetesReadiness(hanging, "traittrace-audits", TIMEOUT));

            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(response.getData()).get().extracting(data -> (String) data.get("error")).asString().contains("no answer within 500 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    private static HealthCheckResponse call(KubernetesReadiness check) {
        return check.call().await().atMost(Duration.ofSeconds(30));
    }

    private static KubernetesClient clientOf(String url) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url).withRequestRetryBackoffLimit(0).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
