package io.traittrace.audit.executor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what an executor reports, one line per call: {@code running <run>} or {@code finished <run> <ok> <reason>}. */
final class RecordingListener implements RunListener {

    private final List<String> events = new CopyOnWriteArrayList<>();

    static String wasRunning(String runId) {
        return "running " + runId;
    }

    static String hasSucceeded(String runId) {
        return "finished " + runId + " true null";
    }

    static String hasFailed(String runId, String reason) {
        return "finished " + runId + " false " + reason;
    }

    List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public void running(String runId) {
        events.add(wasRunning(runId));
    }

    @Override
    public void finished(String runId, boolean succeeded, String reason) {
        events.add("finished " + runId + " " + succeeded + " " + reason);
    }

    @Override
    public void result(String runId, String token, byte[] body) {
        throw new UnsupportedOperationException("Kubernetes runs hand their results to the HTTP intake");
    }
}
