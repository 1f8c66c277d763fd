package io.traittrace.gateway.console;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;
import io.traittrace.gateway.service.Organizations;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;

/**
 * The organisation the console acts for ({@code {inject:org.selected}}): one of the organisations in the session's token,
 * the one chosen in the switcher (remembered in a cookie) or else the first. Every call the console makes names it in
 * {@value Organizations#HEADER}, so each page shows what the services answer for that organisation. A cookie naming an
 * organisation the token does not is ignored: the choice is the user's, the memberships are Keycloak's.
 */
@RequestScoped
@Named("org")
public class ConsoleOrganization {

    private final Set<String> memberships;
    private final String selected;

    public ConsoleOrganization(SecurityIdentity identity, HttpServerRequest request) {
        this.memberships = !identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken token
                ? Organizations.memberships(token)
                : Set.of();
        Cookie chosen = request.getCookie(Organizations.COOKIE);
        this.selected = chosen != null && memberships.contains(chosen.getValue())
                ? chosen.getValue()
                : memberships.stream().findFirst().orElse(null);
    }

    /** The user's organisations, sorted. */
    public List<String> memberships() {
        return List.copyOf(memberships);
    }

    /** The organisation the console acts for; null for a user in none (a platform admin). */
    public String selected() {
        return selected;
    }

    /** Whether the page chrome offers a switcher: only to a member of several. */
    public boolean switchable() {
        return memberships.size() > 1;
    }

    public boolean isMember(String alias) {
        return memberships.contains(alias);
    }
}
