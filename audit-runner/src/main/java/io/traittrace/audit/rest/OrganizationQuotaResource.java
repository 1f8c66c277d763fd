package io.traittrace.audit.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.traittrace.audit.service.AuditProblem;
import io.traittrace.audit.service.OrganizationQuotas;
import io.traittrace.audit.service.OrganizationQuotas.QuotaOverrides;
import io.traittrace.audit.service.OrganizationQuotas.QuotaView;
import io.traittrace.service.rest.Roles;
import io.traittrace.service.tenancy.CallerTenant;
import io.traittrace.service.tenancy.Organizations;

/**
 * An organisation's quotas (audits in flight, GPU-hours per period) and its usage. A platform admin reads and sets any
 * organisation's; an organisation's admin reads its own. Another organisation is 404 to an organisation admin, as an unknown one.
 */
@Path("/api/organizations/{org}/quota")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class OrganizationQuotaResource {

    /** {@code PUT}: both limits; a null one goes back to the configured default. Unknown fields are refused. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record QuotaUpdate(@Min(0) @Max(1_000_000) Integer maxAuditsInFlight,
            @DecimalMin("0") @DecimalMax("1000000000") Double gpuHoursPerPeriod) {
    }

    private final OrganizationQuotas quotas;
    private final SecurityIdentity identity;
    private final CallerTenant tenant;

    public OrganizationQuotaResource(OrganizationQuotas quotas, SecurityIdentity identity, CallerTenant tenant) {
        this.quotas = quotas;
        this.identity = identity;
        this.tenant = tenant;
    }

    @GET
    @RolesAllowed({ Roles.PLATFORM_ADMIN, Roles.ADMIN })
    public Uni<QuotaView> get(@PathParam("org") String org) {
        requireAlias(org);
        if (!identity.hasRole(Roles.PLATFORM_ADMIN) && !tenant.get().organization().equals(org)) {
            throw AuditProblem.notFound("organisation", org);
        }
        return quotas.view(org);
    }

    @PUT
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    public Uni<QuotaView> set(@PathParam("org") String org, @NotNull @Valid QuotaUpdate update) {
        requireAlias(org);
        if (update.gpuHoursPerPeriod() != null && !Double.isFinite(update.gpuHoursPerPeriod())) {
            throw AuditProblem.badRequest("gpuHoursPerPeriod must be a finite number", List.of("gpuHoursPerPeriod: not finite"));
        }
        return quotas.set(org, new QuotaOverrides(update.maxAuditsInFlight(), update.gpuHoursPerPeriod()), identity.getPrincipal().getName());
    }

    private static void requireAlias(String org) {
        if (!Organizations.isAlias(org)) {
            throw AuditProblem.notFound("organisation", org);
        }
    }
}
