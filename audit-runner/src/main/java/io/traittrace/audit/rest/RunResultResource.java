package io.traittrace.audit.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;
import io.traittrace.audit.service.AuditProblem;
import io.traittrace.audit.service.AuditViews.RunView;
import io.traittrace.audit.service.RunTracker;

/**
 * Where a run hands back its result. Not an OIDC route: the credential is the run's own bearer token, which
 * opens this run's intake and nothing else (so a pod never holds a user or service token).
 */
@Path("/api/runs/{run}/result")
public class RunResultResource {

    private final RunTracker tracker;

    public RunResultResource(RunTracker tracker) {
        this.tracker = tracker;
    }

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<RunView> submit(@PathParam("run") String run, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Uni.createFrom().failure(AuditProblem.unauthorized("a run's result needs its run token: Authorization: Bearer <token>"));
        }
        return tracker.accept(run, authorization.substring(7).trim(), body);
    }
}
