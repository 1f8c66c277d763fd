package io.traittrace.gateway.service;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.traittrace.api.tenancy.Roles;

/**
 * Every API route the gateway forwards: which service answers it and which roles may call it — organisation roles held in
 * the organisation the request acts for, or platform roles (tenancy's {@link Roles}). The same rules are enforced again by
 * each service; the gateway refuses early so that nothing unauthorised reaches a service. A path the table does not know
 * is not forwarded at all (the probe's result channel, for one, stays inside the cluster).
 */
@ApplicationScoped
public class ApiRoutes {

    private static final Set<String> PUBLIC = Set.of();
    private static final Set<String> READERS = Set.of(Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN);
    private static final Set<String> WRITERS = Set.of(Roles.AUDITOR, Roles.ADMIN);
    private static final Set<String> ADMINS = Set.of(Roles.ADMIN);
    private static final Set<String> CERTIFICATE_READERS = Set.of(Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.REGISTRY_PUBLISHER);
    /** An organisation's quota: its admins read it, platform admins read and set any organisation's. */
    private static final Set<String> QUOTA_READERS = Set.of(Roles.PLATFORM_ADMIN, Roles.ADMIN);
    private static final Set<String> PLATFORM_ADMINS = Set.of(Roles.PLATFORM_ADMIN);
    /** Lineage also lets a platform admin act for the public catalogue (the lineage service holds it to that). */
    private static final Set<String> CATALOGUE_READERS = Set.of(Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN);
    private static final Set<String> CATALOGUE_WRITERS = Set.of(Roles.AUDITOR, Roles.ADMIN, Roles.PLATFORM_ADMIN);
    private static final Set<String> CATALOGUE_ADMINS = Set.of(Roles.ADMIN, Roles.PLATFORM_ADMIN);

    /** First match wins: specific paths come before the wildcards that would also match them. */
    private static final List<ApiRoute> ROUTES = List.of(
            route(Service.REPORT, PUBLIC, "GET", "/api/keys"),
            route(Service.REPORT, PUBLIC, "GET", "/api/revocations"),
            upload(Service.REPORT, PUBLIC, "POST", "/api/certificates/verify"),
            route(Service.REPORT, ADMINS, "POST", "/api/certificates/*/revoke"),
            upload(Service.REPORT, CERTIFICATE_READERS, "POST", "/api/certificates/*/model-card/readme"),
            route(Service.REPORT, CERTIFICATE_READERS, "GET", "/api/certificates"),
            route(Service.REPORT, CERTIFICATE_READERS, "GET", "/api/certificates/**"),
            route(Service.LINEAGE, CATALOGUE_ADMINS, "DELETE", "/api/lineage/assertions/shared-init/*"),
            route(Service.LINEAGE, CATALOGUE_READERS, "GET", "/api/lineage/**"),
            upload(Service.LINEAGE, CATALOGUE_WRITERS, "POST", "/api/lineage/**"),
            route(Service.RUNNER, READERS, "GET", "/api/audits"),
            route(Service.RUNNER, READERS, "GET", "/api/audits/**"),
            route(Service.RUNNER, WRITERS, "POST", "/api/audits"),
            route(Service.RUNNER, WRITERS, "POST", "/api/audits/*/cancel"),
            route(Service.RUNNER, QUOTA_READERS, "GET", "/api/organizations/*/quota"),
            route(Service.RUNNER, PLATFORM_ADMINS, "PUT", "/api/organizations/*/quota"));

    public enum Service {
        LINEAGE, RUNNER, REPORT
    }

    /**
     * One forwarded route; no roles means public. An upload route's body may be as large as {@code gateway.max-body-size};
     * every other write's as {@code gateway.max-request-body-size}.
     */
    public record ApiRoute(Service service, Set<String> roles, String method, Pattern path, boolean upload) {

        public boolean isPublic() {
            return roles.isEmpty();
        }

        public boolean allows(Set<String> callerRoles) {
            return callerRoles.stream().anyMatch(roles::contains);
        }
    }

    /** What the table says about one request: forward it by this route, or refuse it with 404/405. */
    public sealed interface Lookup {
    }

    public record Found(ApiRoute route) implements Lookup {
    }

    public record NoSuchPath() implements Lookup {
    }

    public record MethodNotAllowed(Set<String> allowed) implements Lookup {
    }

    public Lookup lookup(String method, String path) {
        String effective = "HEAD".equals(method) ? "GET" : method;
        List<ApiRoute> onPath = ROUTES.stream().filter(route -> route.path().matcher(path).matches()).toList();
        if (onPath.isEmpty()) {
            return new NoSuchPath();
        }
        Optional<ApiRoute> found = onPath.stream().filter(route -> route.method().equals(effective)).findFirst();
        return found.<Lookup>map(Found::new).orElseGet(() -> new MethodNotAllowed(
                onPath.stream().map(ApiRoute::method).collect(Collectors.toCollection(java.util.TreeSet::new))));
    }

    private static ApiRoute route(Service service, Set<String> roles, String method, String glob) {
        return new ApiRoute(service, roles, method, pattern(glob), false);
    }

    private static ApiRoute upload(Service service, Set<String> roles, String method, String glob) {
        return new ApiRoute(service, roles, method, pattern(glob), true);
    }

    /** {@code *} is one path segment, {@code **} one or more. */
    private static Pattern pattern(String glob) {
        return Pattern.compile(Pattern.quote(glob).replace("/**", "\\E(?:/[^/]+)+\\Q").replace("/*", "\\E/[^/]+\\Q"));
    }
}
