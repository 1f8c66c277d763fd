package io.traittrace.gateway.rest;

import java.util.Locale;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The gateway's own refusals, as RFC 9457 problem details of the same shape and type URIs the services use, so a
 * client reads one error format whichever part of TraitTrace refused it.
 */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://traittrace.io/problems/";

    private Problems() {
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
        String slug = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        JsonObject problem = new JsonObject()
                .put("type", TYPE_BASE + slug)
                .put("title", title)
                .put("status", status)
                .put("detail", detail)
                .put("instance", context.request().path());
        response.setStatusCode(status).putHeader("Content-Type", MEDIA_TYPE).end(problem.encode());
    }
}
