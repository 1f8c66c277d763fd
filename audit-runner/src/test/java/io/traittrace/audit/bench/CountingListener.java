package io.traittrace.audit.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.traittrace.audit.executor.RunListener;

/**
 * Counts what an executor reports and, when given one, passes every call on to a real listener: the count says
 * when every live Job has been reported, whatever the listener then does with it.
 */
final class CountingListener implements RunListener {

    private final RunListener delegate;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicLong lastReportNanos = new AtomicLong();

    CountingListener(RunListener delegate) {
        this.delegate = delegate;
    }

    static CountingListener alone() {
        return new CountingListener(null);
    }

    int running() {
        return running.get();
    }

    int finished() {
        return finished.get();
    }

    long lastReportNanos() {
        return lastReportNanos.get();
    }

    @Override
    public void running(String runId) {
        if (delegate != null) {
            delegate.running(runId);
        }
        running.incrementAndGet();
        lastReportNanos.set(System.nanoTime());
    }

    @Override
    public void finished(String runId, boolean succeeded, String reason) {
        if (delegate != null) {
            delegate.finished(runId, succeeded, reason);
        }
        finished.incrementAndGet();
        lastReportNanos.set(System.nanoTime());
    }

    @Override
    public void result(String runId, String token, byte[] body) {
        throw new UnsupportedOperationException("Kubernetes runs hand their results to the HTTP intake");
    }
}
