package io.traittrace.audit.executor;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.arc.lookup.LookupIfProperty;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.traittrace.audit.config.RunnerConfig;

/**
 * Readiness of the Kubernetes API the runs go to, with {@code runner.executor=kubernetes} only: lists at most one
 * Job in the Jobs' namespace (a call the runner's Role allows and the API answers cheaply). DOWN, with the error,
 * when the API refuses, fails, or does not answer within {@code runner.kubernetes.health-check-timeout}: a runner
 * that cannot reach its cluster should take no audits.
 */
@Readiness
@ApplicationScoped
@LookupIfProperty(name = "runner.executor", stringValue = "kubernetes")
public class KubernetesReadiness implements AsyncHealthCheck {

    static final String NAME = "Kubernetes API";

    private final KubernetesClient client;
    private final String namespace;
    private final Duration timeout;

    @Inject
    public KubernetesReadiness(KubernetesClient client, RunnerConfig config) {
        this(client, config.kubernetes().namespace().orElseGet(client::getNamespace), config.kubernetes().healthCheckTimeout());
    }

    KubernetesReadiness(KubernetesClient client, String namespace, Duration timeout) {
        this.client = client;
        this.namespace = namespace;
        this.timeout = timeout;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        // The fabric8 client blocks: off the event loop, and given up on (not interrupted) after the timeout.
        return Uni.createFrom().item(() -> client.batch().v1().jobs().inNamespace(namespace)
                .list(new ListOptionsBuilder().withLimit(1L).build()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(timeout).failWith(() -> new TimeoutException("no answer within " + timeout.toMillis() + " ms"))
                .map(jobs -> HealthCheckResponse.named(NAME).up().withData("namespace", namespace).build())
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named(NAME).down().withData("namespace", namespace)
                        .withData("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build());
    }
}
