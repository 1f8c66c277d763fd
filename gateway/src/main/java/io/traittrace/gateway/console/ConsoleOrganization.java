package io.traittrace.gateway.console;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

import io.quarkus.security.identity.SecurityIdentity;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.gateway.config.TenantSelector;
import io.traittrace.gateway.service.TokenAccess;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The organisation the console acts for ({@code {inject:org.selected}}): one of the organisations in the session's token,
 * the one chosen in the switcher (remembered in the {@value TenantSelector#ORGANIZATION_COOKIE} cookie) or else the
 * first. Every call the console makes names it in {@value Organizations#HEADER}, so each page shows what the services
 * answer for that organisation, and the user's roles on the page are the ones held there ({@link ConsoleRolesAugmentor}).
 * A cookie naming an organisation the token does not is ignored: the choice is the user's, the memberships are
 * Keycloak's.
 */
@RequestScoped
@Named("org")
public class ConsoleOrganization {

    /** The switcher's path: its role check is made in the organisation it switches to. */
    static final String SWITCH_PATH = "/console/organizations/switch";

    private final Set<String> memberships;
    private final String selected;

    public ConsoleOrganization(SecurityIdentity identity, HttpServerRequest request) {
        this.memberships = identity.isAnonymous() ? Set.of() : TokenAccess.of(identity).memberships();
        this.selected = choose(memberships, request.getCookie(TenantSelector.ORGANIZATION_COOKIE));
    }

    /** The chosen organisation if it is one of {@code memberships}, else the first of them (sorted); null for none. */
    static String choose(Set<String> memberships, Cookie chosen) {
        return chosen != null && memberships.contains(chosen.getValue())
                ? chosen.getValue()
                : memberships.stream().sorted().findFirst().orElse(null);
    }

    /**
     * The organisation whose roles a console request is checked with: the one the page will act for, or for the switcher
     * the one it switches to (a member of it), so that a user may switch to wherever they read.
     */
    static String actingFor(RoutingContext request, Set<String> memberships) {
        String target = request.request().getParam("organization");
        if (SWITCH_PATH.equals(request.normalizedPath()) && target != null && memberships.contains(target)) {
            return target;
        }
        return choose(memberships, request.request().getCookie(TenantSelector.ORGANIZATION_COOKIE));
    }

    /** The user's organisations, sorted. */
    public List<String> memberships() {
        return memberships.stream().sorted().toList();
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
