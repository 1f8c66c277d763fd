package io.traittrace.audit.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.traittrace.audit.domain.RunState;

/** The reason classes of run outcomes: the executors' and the intake's reasons, each in its class. */
class RunnerMetricsTest {

    @Test
    void failuresAreClassedByWhatTheExecutorsAndTheIntakeSay() {
        assertThat(RunnerMetrics.reasonClass(RunState.FAILED, "DeadlineExceeded: Job was active longer than specified deadline"))
                .isEqualTo("deadline");
        assertThat(RunnerMetrics.reasonClass(RunState.FAILED, "DeadlineExceeded: the probe ran longer than 60 s")).isEqualTo("deadline");
        assertThat(RunnerMetrics.reasonClass(RunState.FAILED,
                "PodFailurePolicy: Container probe for pod audits/job-x failed with exit code 3 matching FailJob rule at index 1"))
                .isEqualTo("probe-exit");
        assertThat(RunnerMetrics.reasonClass(RunState.FAILED, "the probe exited 3 (missing or unreadable data): probe: no data"))
                .isEqualTo("probe-exit");
        assertThat(RunnerMetrics.reasonClass(RunState.FAILED, "BackoffLimitExceeded: Job has reached the specified backoff limit"))
                .isEqualTo("retries-exhausted");
        assertThat(RunnerMetrics.reasonClass(RunState.FAILED, "the run completed without handing over a result")).isEqualTo("no-result");
        assertThat(RunnerMetrics.reasonClass(RunState.FAILED, "the result was refused: schema violations")).isEqualTo("result-refused");
        assertThat(RunnerMetrics.reasonClass(RunState.FAILED, "Job deleted before it finished")).isEqualTo("job-deleted");
        assertThat(RunnerMetrics.reasonClass(RunState.FAILED, "the probe could not be started: No such file")).isEqualTo("not-started");
        assertThat(RunnerMetrics.reasonClass(RunState.FAILED, "something new")).isEqualTo("other");
    }

    @Test
    void successesAndCancellationsCarryNoReasonClass() {
        assertThat(RunnerMetrics.reasonClass(RunState.SUCCEEDED, null)).isEqualTo("none");
        assertThat(RunnerMetrics.reasonClass(RunState.CANCELLED, "cancelled by user-auditor")).isEqualTo("none");
    }
}
