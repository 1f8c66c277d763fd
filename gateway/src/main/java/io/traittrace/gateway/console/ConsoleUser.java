package io.traittrace.gateway.console;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.gateway.service.ApiRoutes;

/**
 * The signed-in user as the console's templates see them ({@code {inject:user.name}}): who, which roles, and which
 * write controls to show. The roles are those the user holds in the organisation the console acts for
 * ({@link ConsoleOrganization#selected()}), with their platform roles: {@link ConsoleRolesAugmentor} gave the identity
 * exactly those. Each control is shown exactly when the API route it uses would let this user through, acting for that
 * organisation, so the console never offers what the API refuses.
 */
@RequestScoped
@Named("user")
public class ConsoleUser {

    private final SecurityIdentity identity;
    private final ApiRoutes routes;

    public ConsoleUser(SecurityIdentity identity, ApiRoutes routes) {
        this.identity = identity;
        this.routes = routes;
    }

    public String name() {
        if (identity.isAnonymous()) {
            return "anonymous";
        }
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            String name = jwt.getClaim("name");
            if (name != null && !name.isBlank()) {
                return name;
            }
        }
        return identity.getPrincipal().getName();
    }

    /** The organisation roles this user holds in the organisation the console acts for, in a fixed order. */
    public List<String> roles() {
        Set<String> held = identity.getRoles();
        return List.of(Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN).stream().filter(held::contains).toList();
    }

    /** Reads the organisation's data: holds one of the organisation roles in it. */
    public boolean reader() {
        return !roles().isEmpty();
    }

    /** Manages organisations and their quotas (the console's organisation pages): a platform role, held anywhere. */
    public boolean platformAdmin() {
        return identity.hasRole(Roles.PLATFORM_ADMIN);
    }

    public boolean canRequestAudits() {
        return allowed("POST", "/api/audits");
    }

    public boolean canCancelAudits() {
        return allowed("POST", "/api/audits/any/cancel");
    }

    public boolean canRevokeCertificates() {
        return allowed("POST", "/api/certificates/any/revoke");
    }

    /** The signing keys page is for the organisation's administrators (the key list itself is public, for verifiers). */
    public boolean canSeeKeys() {
        return identity.hasRole(Roles.ADMIN);
    }

    private boolean allowed(String method, String path) {
        return !identity.isAnonymous() && routes.lookup(method, path) instanceof ApiRoutes.Found found
                && found.route().allows(identity.getRoles());
    }
}
