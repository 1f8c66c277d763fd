package io.traittrace.gateway.service;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.traittrace.gateway.config.GatewayConfig;
import io.vertx.core.http.HttpMethod;

/**
 * Whether an {@code /api/**} call that rides on the console's session cookie may have come from another site (a forged
 * cross-site request). Decided on two headers a page's script cannot set: {@code Sec-Fetch-Site} (what the browser
 * itself says about the request's initiator) and {@code Origin}.
 *
 * <ul>
 * <li>Allowed: {@code Sec-Fetch-Site: same-origin}; an {@code Origin} equal to the gateway's public origin
 * ({@code gateway.public-url}, the console's URL, which behind the ingress is not what the gateway sees as its own host);
 * and {@code Sec-Fetch-Site: none} (the user typed or bookmarked the URL) on a read.</li>
 * <li>A write (anything but GET and HEAD) otherwise is refused, including one with neither header: browsers send
 * {@code Origin} on every cross-origin write, and clients that are not browsers use bearer tokens.</li>
 * <li>A read is refused when {@code Sec-Fetch-Site} says {@code cross-site} or {@code same-site}, or when it carries
 * another {@code Origin}; with neither header (an older browser's navigation, curl with a cookie) it is allowed.
 * SameSite=Lax already keeps the cookie off cross-site subresource requests (fetch, EventSource, script), and the
 * gateway sends no CORS headers, so no other site could read the answer anyway. The refusal is defence in depth at no
 * cost (the console never makes such a request): Lax still sends the cookie on a cross-site top-level navigation and
 * on every request from a sibling host of the same site (Keycloak's login host is one), and it is the browser's
 * setting, not ours, that would have to hold.</li>
 * </ul>
 */
@ApplicationScoped
public class CrossSiteRequests {

    private final String publicOrigin;

    @Inject
    public CrossSiteRequests(GatewayConfig config) {
        this(config.publicUrl());
    }

    public CrossSiteRequests(URI publicUrl) {
        this.publicOrigin = origin(publicUrl);
    }

    /** Why the call is refused, or empty when it may go on. */
    public Optional<String> refusal(HttpMethod method, String secFetchSite, String origin) {
        boolean read = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
        String site = secFetchSite == null ? null : secFetchSite.trim().toLowerCase(Locale.ROOT);
        if ("same-origin".equals(site) || (origin != null && publicOrigin.equalsIgnoreCase(origin.trim()))
                || (read && "none".equals(site))) {
            return Optional.empty();
        }
        if (!read) {
            return Optional.of(origin == null && site == null
                    ? "A write with the console's session must name its Origin; other clients send a bearer token"
                    : "A write with the console's session must come from the console's own pages (" + publicOrigin + ")");
        }
        if (site != null || origin != null) {
            return Optional.of("The console's session is not accepted on a request from another site");
        }
        return Optional.empty();
    }

    /** The public origin, as browsers write it in {@code Origin}. */
    public String publicOrigin() {
        return publicOrigin;
    }

    /** {@code scheme://host[:port]}, lower case, the port left out where it is the scheme's default. */
    static String origin(URI url) {
        if (url.getScheme() == null || url.getHost() == null) {
            throw new IllegalArgumentException("gateway.public-url: '" + url + "' is not an absolute http(s) URL");
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("gateway.public-url: '" + url + "' is not an http(s) URL");
        }
        int port = url.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
