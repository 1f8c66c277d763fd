package io.traittrace.report.service;

import java.util.List;

import io.traittrace.api.problem.ProblemKind;
import io.traittrace.service.rest.ApiProblem;

/** A failure the caller can act on; the REST layer answers it as problem details with this status. */
public class ReportProblem extends ApiProblem {

    public ReportProblem(int status, String title, String detail, List<String> errors) {
        super(status, title, detail, errors);
    }

    public ReportProblem(ProblemKind kind, String detail, List<String> errors) {
        super(kind, detail, errors);
    }

    public static ReportProblem notFound(String what) {
        return new ReportProblem(ProblemKind.NOT_FOUND, what + " does not exist", List.of());
    }

    public static ReportProblem badRequest(String detail, List<String> errors) {
        return new ReportProblem(ProblemKind.INVALID_REQUEST, detail, errors);
    }
}
