package io.traittrace.audit.executor;

import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * Runs probe Jobs: as Kubernetes Jobs or as local processes. Both report run states to the {@link RunListener}
 * and results through the same intake, so the rest of the runner does not know which one ran a run.
 */
public interface RunExecutor {

    /** Starts the runs. Idempotent per run: a run that already exists is left alone. */
    Uni<Void> launch(List<RunLaunch> runs);

    /** Stops and removes every run of the audit. Idempotent. */
    Uni<Void> cancel(String auditId);

    /** The audit ended: drop what its runs no longer need (their tokens). Idempotent. */
    Uni<Void> release(String auditId);

    /** Whether this executor can run a team's own container image ({@code protocol: image}). */
    boolean runsImages();
}
