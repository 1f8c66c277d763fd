package io.traittrace.service.tenancy;

import java.util.List;

import jakarta.enterprise.context.RequestScoped;

import io.quarkus.security.identity.SecurityIdentity;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.api.tenancy.Tenant;
import io.traittrace.api.tenancy.TenantResolution;
import io.traittrace.service.rest.ApiProblem;

/** The current request's {@link Tenant}, as {@link OrganizationRolesAugmentor} resolved it from token and header. */
@RequestScoped
public class CallerTenant {

    private final SecurityIdentity identity;

    public CallerTenant(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The organisation this request acts for; a 400 or 403 problem when it names none it may act for. */
    public Tenant get() {
        TenantResolution resolution = resolution(identity);
        if (resolution instanceof TenantResolution.Acting acting) {
            return acting.tenant();
        }
        if (resolution instanceof TenantResolution.Refused refused) {
            throw problem(refused);
        }
        throw new ApiProblem(403, "No organisation", "the caller acts for no organisation (" + Organizations.HEADER
                + ")", List.of());
    }

    private static TenantResolution resolution(SecurityIdentity identity) {
        return identity.getAttribute(OrganizationRolesAugmentor.RESOLUTION);
    }

    static ApiProblem problem(TenantResolution.Refused refused) {
        return new ApiProblem(refused.status(), refused.title(), refused.detail(), List.of());
    }
}
