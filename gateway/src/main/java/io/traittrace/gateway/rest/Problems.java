package io.traittrace.gateway.rest;

import io.traittrace.api.problem.Problem;
import io.traittrace.api.problem.ProblemKind;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The gateway's own refusals, as the API contract's problem details, so a client reads one error format, with one title
 * and type URI per kind of error, whichever part of TraitTrace refused it.
 */
public final class Problems {

    private Problems() {
    }

    public static void send(RoutingContext context, ProblemKind kind, String detail) {
        send(context, kind.status(), kind.title(), detail);
    }

    public static void send(RoutingContext context, int status, String title, String detail) {
        HttpServerResponse response = context.response();
        if (response.ended()) {
            return;
        }
        if (response.headWritten()) {
            // Too late for a problem body (a stream was under way): cut the connection so the caller sees a failure.
            response.reset();
            return;
        }
        Problem problem = Problem.of(status, title, detail, context.request().path(), null);
        JsonObject body = new JsonObject()
                .put("type", problem.type())
                .put("title", problem.title())
                .put("status", problem.status())
                .put("detail", problem.detail())
                .put("instance", problem.instance());
        response.setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE).end(body.encode());
    }
}
