package io.traittrace.gateway.service;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;
import io.traittrace.api.tenancy.CallerAccess;
import io.traittrace.api.tenancy.Organizations;

/**
 * What a verified token says about where its caller may act ({@link CallerAccess}: memberships, platform roles, roles per
 * organisation), read by tenancy's one set of rules from the identity's realm roles and the token's
 * {@value Organizations#CLAIM} and {@value Organizations#GROUPS_CLAIM} claims.
 */
public final class TokenAccess {

    /** The identity attribute where the console's role augmentor keeps the access it read. */
    public static final String ATTRIBUTE = "traittrace.caller-access";

    private TokenAccess() {
    }

    public static CallerAccess of(SecurityIdentity identity) {
        if (identity.getAttribute(ATTRIBUTE) instanceof CallerAccess kept) {
            return kept;
        }
        if (!identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken token) {
            return CallerAccess.fromToken(identity.getRoles(), token.getClaim(Organizations.CLAIM),
                    token.getClaim(Organizations.GROUPS_CLAIM));
        }
        return CallerAccess.fromToken(identity.getRoles(), null, null);
    }
}
