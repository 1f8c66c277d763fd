package io.traittrace.report.service;

import java.util.List;

import io.traittrace.service.rest.ApiProblem;

/** A failure the caller can act on; the REST layer answers it as problem details with this status. */
public class ReportProblem extends ApiProblem {

    public ReportProblem(int status, String title, String detail, List<String> errors) {
        super(status, title, detail, errors);
    }

    public static ReportProblem notFound(String what) {
        return new ReportProblem(404, "Not found", what + " does not exist", List.of());
    }

    public static ReportProblem badRequest(String detail, List<String> errors) {
        return new ReportProblem(400, "Invalid request", detail, errors);
    }
}
