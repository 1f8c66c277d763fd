package io.traittrace.report.rest;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.traittrace.api.tenancy.Roles;
import io.traittrace.report.publishing.RegistryTargets;
import io.traittrace.service.tenancy.CallerTenant;

/**
 * Where the caller's organisation's certificates are published. An empty list says that they are published nowhere
 * (no targets configured); URLs and secrets are not shown (a webhook URL may carry a token of its own).
 */
@Path("/api/registries")
public class RegistryResource {

    private final RegistryTargets targets;
    private final CallerTenant tenant;

    public RegistryResource(RegistryTargets targets, CallerTenant tenant) {
        this.targets = targets;
        this.tenant = tenant;
    }

    public record Target(String kind, List<String> acceptedScopes) {
    }

    public record Targets(String organization, List<Target> targets) {
    }

    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.REGISTRY_PUBLISHER })
    @Produces(MediaType.APPLICATION_JSON)
    public Targets list() {
        String organization = tenant.get().organization();
        List<Target> configured = new ArrayList<>();
        targets.mlflow(organization).ifPresent(m -> configured.add(new Target("mlflow", m.acceptedScopes())));
        targets.webhook(organization).ifPresent(w -> configured.add(new Target("webhook", w.acceptedScopes())));
        return new Targets(organization, configured);
    }
}
