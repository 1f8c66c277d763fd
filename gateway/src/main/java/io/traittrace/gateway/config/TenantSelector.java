package io.traittrace.gateway.config;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.oidc.TenantResolver;
import io.vertx.ext.web.RoutingContext;

/**
 * Two ways in: the console's browser session (OIDC code flow, tenant {@value #CONSOLE}) and bearer tokens (the
 * default tenant). The console's own pages always use the session; an API call uses the session only when it
 * carries the session cookie and no bearer token, so a browser's live views can call the API directly.
 */
@ApplicationScoped
public class TenantSelector implements TenantResolver {

    public static final String CONSOLE = "console";
    private static final String SESSION_COOKIE = "q_session_" + CONSOLE;

    @Override
    public String resolve(RoutingContext context) {
        String path = context.normalizedPath();
        if (path.startsWith("/console")) {
            return CONSOLE;
        }
        boolean bearer = context.request().getHeader("Authorization") != null;
        boolean session = context.request().cookies().stream()
                .anyMatch(cookie -> cookie.getName().startsWith(SESSION_COOKIE));
        return path.startsWith("/api/") && session && !bearer ? CONSOLE : null;
    }
}
