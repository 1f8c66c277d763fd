package io.traittrace.lineage.rest;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;

import io.quarkus.security.identity.SecurityIdentity;
import io.traittrace.api.problem.ProblemKind;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.api.tenancy.Tenant;
import io.traittrace.service.rest.ApiProblem;
import io.traittrace.service.tenancy.CallerTenant;

/**
 * The tenant a lineage request acts for, checked against what the caller may do there. Routes also let platform admins
 * in ({@link Roles#PLATFORM_ADMIN}), for the public catalogue: acting for an organisation, a caller still needs the
 * route's role in it (viewer, auditor, admin), whatever platform role it also holds.
 */
@RequestScoped
public class TenantAccess {

    private static final Set<String> READERS = Set.of(Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.INTERNAL_SERVICE);
    private static final Set<String> WRITERS = Set.of(Roles.AUDITOR, Roles.ADMIN);
    private static final Set<String> ADMINS = Set.of(Roles.ADMIN);

    private final CallerTenant caller;
    private final SecurityIdentity identity;

    public TenantAccess(CallerTenant caller, SecurityIdentity identity) {
        this.caller = caller;
        this.identity = identity;
    }

    /** The tenant of a read: its organisation's records and the public catalogue's. */
    public Tenant read() {
        return checked(READERS);
    }

    /** The tenant of a write: records land in its organisation ({@code public}: a platform admin's). */
    public Tenant write() {
        return checked(WRITERS);
    }

    /** The tenant of an admin-only change. */
    public Tenant admin() {
        return checked(ADMINS);
    }

    /** The caller's name, as assertions record it. */
    public String name() {
        return identity.getPrincipal().getName();
    }

    private Tenant checked(Set<String> roles) {
        Tenant tenant = caller.get();
        // For the public catalogue the platform role stands in for the route's (an internal service reads it only).
        Set<String> allowed = tenant.isPublicCatalogue()
                ? (roles == READERS ? Set.of(Roles.PLATFORM_ADMIN, Roles.INTERNAL_SERVICE) : Set.of(Roles.PLATFORM_ADMIN))
                : roles;
        if (allowed.stream().noneMatch(identity::hasRole)) {
            throw new ApiProblem(ProblemKind.FORBIDDEN, "the caller's roles do not allow this in organisation "
                    + tenant.organization(), List.of());
        }
        return tenant;
    }
}
