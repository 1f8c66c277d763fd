package io.traittrace.gateway.config;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.oidc.TenantResolver;
import io.quarkus.oidc.runtime.OidcUtils;
import io.vertx.ext.web.RoutingContext;

/**
 * Two ways in: the console's browser session (OIDC code flow, tenant {@value #CONSOLE}) and bearer tokens (the
 * default tenant). The console's own pages always use the session; an API call uses the session only when it
 * carries the session cookie and no {@code Authorization} header, so a browser's live views can call the API directly.
 * Any other API call is the default tenant's, named explicitly: left unresolved, Quarkus would take the tenant from
 * the name of a session cookie sent beside a bearer token.
 */
@ApplicationScoped
public class TenantSelector implements TenantResolver {

    public static final String CONSOLE = "console";
    /**
     * The organisation chosen in the console's switcher, for a user in several: the console's pages act for it, and a
     * session's {@code /api} call without a {@code TraitTrace-Organization} header names it (when it is one of the
     * session token's organisations).
     */
    public static final String ORGANIZATION_COOKIE = "traittrace-organization";
    private static final String SESSION_COOKIE = "q_session_" + CONSOLE;

    @Override
    public String resolve(RoutingContext context) {
        String path = context.normalizedPath();
        if (path.startsWith("/console")) {
            return CONSOLE;
        }
        if (path.startsWith("/api/")) {
            return usesSession(context) ? CONSOLE : OidcUtils.DEFAULT_TENANT_ID;
        }
        return null;
    }

    /** A call that carries the console's session cookie and no {@code Authorization} header: it rides on the session. */
    public static boolean usesSession(RoutingContext context) {
        return context.request().getHeader("Authorization") == null && carriesSession(context);
    }

    /** A call that carries the console's session cookie (which a browser attaches by itself), whatever else it carries. */
    public static boolean carriesSession(RoutingContext context) {
        return context.request().cookies().stream().anyMatch(cookie -> cookie.getName().startsWith(SESSION_COOKIE));
    }
}
