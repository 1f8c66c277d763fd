package io.traittrace.gateway.console;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;
import io.traittrace.gateway.service.ApiRoutes;

/**
 * The signed-in user as the console's templates see them ({@code {inject:user.name}}): who, which roles, and which
 * write controls to show. Each control is shown exactly when the API route it uses would let this user through, so
 * the console never offers what the API refuses.
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

    /** The TraitTrace roles this user holds, in a fixed order. */
    public List<String> roles() {
        Set<String> held = identity.getRoles();
        return List.of(ApiRoutes.VIEWER, ApiRoutes.AUDITOR, ApiRoutes.ADMIN).stream().filter(held::contains).toList();
    }

    /** Reads an organisation's data: holds one of the organisation roles. */
    public boolean reader() {
        return !roles().isEmpty();
    }

    /** Manages organisations and their quotas (the console's organisation pages). */
    public boolean platformAdmin() {
        return identity.hasRole(ApiRoutes.PLATFORM_ADMIN);
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

    /** The signing keys page is for administrators (the key list itself is public, for verifiers). */
    public boolean canSeeKeys() {
        return identity.hasRole(ApiRoutes.ADMIN);
    }

    private boolean allowed(String method, String path) {
        return !identity.isAnonymous() && routes.lookup(method, path) instanceof ApiRoutes.Found found
                && found.route().allows(identity.getRoles());
    }
}
