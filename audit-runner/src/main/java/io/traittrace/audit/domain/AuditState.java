package io.traittrace.audit.domain;

/** An audit runs until every run ended (or it was cancelled); then it is COMPLETED with a verdict or FAILED. */
public enum AuditState {
    RUNNING, COMPLETED, FAILED, CANCELLED;

    public boolean finished() {
        return this != RUNNING;
    }
}
