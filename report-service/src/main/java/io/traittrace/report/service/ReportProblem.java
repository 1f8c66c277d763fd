package io.traittrace.report.service;

import java.util.List;

/** A failure the caller can act on; the REST layer answers it as problem details with this status. */
public class ReportProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final List<String> errors;

    public ReportProblem(int status, String title, String detail, List<String> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = errors;
    }

    public static ReportProblem notFound(String what) {
        return new ReportProblem(404, "Not found", what + " does not exist", List.of());
    }

    public static ReportProblem badRequest(String detail, List<String> errors) {
        return new ReportProblem(400, "Invalid request", detail, errors);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<String> errors() {
        return errors;
    }
}
