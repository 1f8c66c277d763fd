package io.traittrace.gateway.console;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.CallerAccess;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.gateway.service.TokenAccess;
import io.vertx.ext.web.RoutingContext;

/**
 * The console's pages check the roles their user holds in the organisation the console acts for
 * ({@link ConsoleOrganization}): on a {@code /console} request the token's realm roles are replaced by its platform roles
 * plus the organisation roles ({@link Roles#ORGANIZATION_ROLES}) its groups grant there, before any
 * {@code @RolesAllowed} runs, so {@link ConsoleUser} and the pages mean "holds this role here". The switcher is checked
 * against the organisation it switches to. {@code /api} calls are left alone: the API proxy decides them per request, by
 * the organisation each names.
 */
@ApplicationScoped
public class ConsoleRolesAugmentor implements SecurityIdentityAugmentor {

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        return augment(identity, context, Map.of());
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context,
            Map<String, Object> attributes) {
        RoutingContext request = HttpSecurityUtils.getRoutingContextAttribute(attributes);
        if (request == null) {
            request = HttpSecurityUtils.getRoutingContextAttribute(identity);
        }
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken) || request == null
                || !request.normalizedPath().startsWith("/console")) {
            return Uni.createFrom().item(identity);
        }
        CallerAccess access = TokenAccess.of(identity);
        String organization = ConsoleOrganization.actingFor(request, access.memberships());
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .setAnonymous(false)
                .addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes())
                .addAttribute(TokenAccess.ATTRIBUTE, access)
                .addRoles(access.resolve(organization).roles())
                .addPermissionChecker(identity::checkPermission)
                .build());
    }
}
