package io.traittrace.service.tenancy;

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
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.api.tenancy.TenantResolution;
import io.traittrace.service.rest.ProblemMappers;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives each request the roles its caller holds in the organisation it acts for, before any role check runs: the
 * token's realm roles are replaced by its platform roles plus the organisation roles its groups grant in the
 * organisation the request names (or the caller's only one). {@code @RolesAllowed} then means "holds this role here",
 * and the {@link TenantResolution} is kept on the identity for {@link CallerTenant} (a refusal also as the problem a failed
 * role check answers, {@link ProblemMappers#REFUSAL_ATTRIBUTE}).
 */
@ApplicationScoped
public class OrganizationRolesAugmentor implements SecurityIdentityAugmentor {

    /** The identity attribute holding the request's {@link TenantResolution}. */
    public static final String RESOLUTION = "traittrace.tenant-resolution";

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        return augment(identity, context, Map.of());
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context,
            Map<String, Object> attributes) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity);
        }
        RoutingContext request = HttpSecurityUtils.getRoutingContextAttribute(attributes);
        String header = request == null ? null : request.request().getHeader(Organizations.HEADER);
        TenantResolution resolution = CallerAccess.fromToken(identity.getRoles(), token.getClaim(Organizations.CLAIM),
                token.getClaim(Organizations.GROUPS_CLAIM)).resolve(header);
        QuarkusSecurityIdentity.Builder augmented = QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .setAnonymous(false)
                .addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes())
                .addAttribute(RESOLUTION, resolution)
                .addRoles(resolution.roles())
                .addPermissionChecker(identity::checkPermission);
        if (resolution instanceof TenantResolution.Refused refused) {
            augmented.addAttribute(ProblemMappers.REFUSAL_ATTRIBUTE, CallerTenant.problem(refused));
        }
        return Uni.createFrom().item(augmented.build());
    }
}
