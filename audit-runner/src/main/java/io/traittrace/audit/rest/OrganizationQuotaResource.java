package io.traittrace.audit.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.audit.service.AuditProblem;
import io.traittrace.audit.service.OrganizationQuotas.QuotaOverrides;
import io.traittrace.audit.service.OrganizationQuotas.QuotaView;
import io.traittrace.audit.service.OrganizationQuotas;
import io.traittrace.service.tenancy.CallerTenant;

/**
 * An organisation's quotas (audits in flight, GPU-hours per period) and its usage. A platform admin reads and sets any
 * organisation's; an organisation's admin reads its own. Another organisation is 404 to an organisation admin, as an unknown one.
 */
@Path("/api/organizations/{org}/quota")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class OrganizationQuotaResource {

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
    public Uni<QuotaView> set(@PathParam("org") String org, ObjectNode body) {
        requireAlias(org);
        return quotas.set(org, QuotaOverrides.parse(body), identity.getPrincipal().getName());
    }

    private static void requireAlias(String org) {
        if (!Organizations.isAlias(org)) {
            throw AuditProblem.notFound("organisation", org);
        }
    }
}
