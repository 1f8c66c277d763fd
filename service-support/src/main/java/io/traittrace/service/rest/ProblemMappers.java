package io.traittrace.service.rest;

import java.util.List;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.traittrace.api.paging.InvalidPageRequest;
import io.traittrace.api.problem.Problem;
import io.traittrace.api.problem.ProblemKind;
import io.vertx.ext.web.RoutingContext;

/** Turns every failure of every service into problem details; unexpected ones are logged and answered without internals. */
public class ProblemMappers {

    /**
     * The identity attribute holding why the caller may not act at all (an {@link ApiProblem}): a failed role check of
     * such a caller answers that problem instead of a bare 403.
     */
    public static final String REFUSAL_ATTRIBUTE = "traittrace.refusal";

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final ProblemConfig config;

    public ProblemMappers(ProblemConfig config) {
        this.config = config;
    }

    @ServerExceptionMapper
    public Response refused(ApiProblem problem, UriInfo uri) {
        Response response = respond(problem.status(), problem.title(), problem.getMessage(), uri, problem.errors());
        if (problem.retryAfterSeconds().isEmpty()) {
            return response;
        }
        return Response.fromResponse(response).header(HttpHeaders.RETRY_AFTER, Math.max(1, problem.retryAfterSeconds().getAsLong())).build();
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<String> errors = e.getConstraintViolations().stream().map(ProblemMappers::describe).sorted().toList();
        return respond(ProblemKind.INVALID_REQUEST, "The request body or parameters break " + errors.size() + " rule(s)", uri, errors);
    }

    /** A page or size outside the list's limits: the one paging rule of every list. */
    @ServerExceptionMapper
    public Response invalidPage(InvalidPageRequest e, UriInfo uri) {
        return respond(ProblemKind.INVALID_REQUEST, e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        String where = e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()
                ? " at '" + mismatch.getPathReference().replaceAll("^[^\\[\"]*", "") + "'"
                : "";
        String what = e instanceof InvalidFormatException ? "a value has the wrong type" : "the body is not valid JSON for this endpoint";
        return respond(ProblemKind.MALFORMED_BODY, "Could not read the request: " + what + where + " ("
                + e.getOriginalMessage().lines().findFirst().orElse("") + ")", uri, List.of());
    }

    /**
     * A constraint the database enforces after our own checks passed: two requests wrote the same id at once
     * (the loser gets 409 and, retried, the stored record), or a rule only the schema states.
     */
    @ServerExceptionMapper
    public Response constraint(org.hibernate.exception.ConstraintViolationException e, UriInfo uri) {
        if ("23505".equals(e.getSQLState())) {
            return respond(ProblemKind.CONFLICT, "Another request wrote the same record at the same time; nothing of this"
                    + " request was written. Retry it: an identical record is then accepted as a re-post.", uri, List.of());
        }
        LOG.warnf("Constraint %s refused a write: %s", e.getConstraintName(), e.getMessage());
        return respond(ProblemKind.UNPROCESSABLE, "The request breaks the rule '" + e.getConstraintName()
                + "'; nothing was written", uri, List.of());
    }

    /** Declared separately: the JSON extension maps this subtype itself, and the most specific mapper wins. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return json(e, uri);
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return unauthenticated(uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return unauthenticated(uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri, RoutingContext context) {
        // Roles are held per organisation: a caller who names none it may act for is told that, not that it lacks a role.
        if (context.user() instanceof QuarkusHttpUser user
                && user.getSecurityIdentity().getAttribute(REFUSAL_ATTRIBUTE) instanceof ApiProblem refusal) {
            return refused(refusal, uri);
        }
        return respond(ProblemKind.FORBIDDEN, "Your roles do not allow this operation", uri, List.of());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException cause) {
            return json(cause, uri);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("Request failed", e);
            return respond(status, ProblemKind.SERVER_ERROR.title(), "The request could not be completed", uri, List.of());
        }
        // The shared title of the status (JAX-RS' reason phrases differ from it: "Not Found"), else the reason phrase.
        String title = ProblemKind.forStatus(status).map(ProblemKind::title)
                .orElse(e.getResponse().getStatusInfo().getReasonPhrase());
        return respond(status, title, e.getMessage(), uri, List.of());
    }

    /**
     * Unexpected failures. A database outage is not a bug: it is answered 503 with a {@code Retry-After} and logged
     * in one line, since during an outage every request fails the same way and a stack trace each says nothing new.
     */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        var outage = DatabaseOutage.describe(e);
        if (outage.isPresent()) {
            LOG.warnf("Database unavailable, answered %s with 503: %s", uri == null ? "a request" : uri.getPath(), outage.get());
            return Response.fromResponse(respond(ProblemKind.SERVICE_UNAVAILABLE, "The service's database is unavailable;"
                    + " nothing was written. Retry the request later.", uri, List.of()))
                    .header(HttpHeaders.RETRY_AFTER, Math.max(1, config.databaseRetryAfter().toSeconds())).build();
        }
        LOG.error("Unexpected failure", e);
        return respond(ProblemKind.SERVER_ERROR, "The request could not be completed; nothing was written", uri, List.of());
    }

    private static Response unauthenticated(UriInfo uri) {
        return Response.fromResponse(respond(ProblemKind.UNAUTHORIZED, "A valid bearer token is required", uri, List.of()))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    private static Response respond(ProblemKind kind, String detail, UriInfo uri, List<String> errors) {
        return respond(kind.status(), kind.title(), detail, uri, errors);
    }

    static Response respond(int status, String title, String detail, UriInfo uri, List<String> errors) {
        Problem problem = Problem.of(status, title, detail, uri == null ? null : uri.getPath(), errors);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static String describe(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        // "create.body.bases[0].model" -> "bases[0].model": callers know their fields, not our method names
        String field = path.replaceFirst("^[^.]+\\.[^.]+\\.?", "");
        return (field.isEmpty() ? "body" : field) + ": " + violation.getMessage();
    }
}
