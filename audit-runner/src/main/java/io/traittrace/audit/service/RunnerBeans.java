package io.traittrace.audit.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.domain.Planner;
import io.traittrace.audit.domain.RunTokens;
import io.traittrace.audit.executor.KubernetesRunExecutor;
import io.traittrace.audit.executor.LocalRunExecutor;
import io.traittrace.audit.executor.RunExecutor;
import io.traittrace.audit.executor.RunListener;

/** The runner's plain-Java collaborators, built from its typed configuration. */
public class RunnerBeans {

    @Produces
    @ApplicationScoped
    Planner planner(RunnerConfig config, ObjectMapper mapper) {
        return new Planner(config.limits(), config.quotas(), config.verdicts(), mapper);
    }

    @Produces
    @ApplicationScoped
    RunTokens runTokens(RunnerConfig config) {
        return new RunTokens(config.runTokenKey());
    }

    /** Kubernetes Jobs or local processes, by {@code runner.executor}; the cluster client is only touched for Kubernetes. */
    @Produces
    @ApplicationScoped
    RunExecutor executor(RunnerConfig config, RunListener listener, Instance<KubernetesClient> kubernetes) {
        if (config.executor() == RunnerConfig.ExecutorKind.KUBERNETES) {
            KubernetesRunExecutor executor = new KubernetesRunExecutor(kubernetes.get(), config.kubernetes(), listener);
            executor.start();
            return executor;
        }
        return new LocalRunExecutor(config.local(), listener);
    }

    void close(@Disposes RunExecutor executor) throws Exception {
        ((AutoCloseable) executor).close();
    }
}
