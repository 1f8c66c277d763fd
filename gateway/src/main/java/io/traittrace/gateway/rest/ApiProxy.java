package io.traittrace.gateway.rest;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.problem.ProblemKind;
import io.traittrace.api.tenancy.CallerAccess;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.api.tenancy.TenantResolution;
import io.traittrace.gateway.client.UpstreamRequest;
import io.traittrace.gateway.client.UpstreamResponse;
import io.traittrace.gateway.client.UpstreamUnavailableException;
import io.traittrace.gateway.client.Upstreams;
import io.traittrace.gateway.config.GatewayConfig;
import io.traittrace.gateway.config.TenantSelector;
import io.traittrace.gateway.service.ApiRoutes.ApiRoute;
import io.traittrace.gateway.service.ApiRoutes;
import io.traittrace.gateway.service.ClientAddresses;
import io.traittrace.gateway.service.CrossSiteRequests;
import io.traittrace.gateway.service.RateLimiter;
import io.traittrace.gateway.service.TokenAccess;
import io.traittrace.gateway.service.VerifiedTokens;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * {@code /api/**}: checks the caller against {@link ApiRoutes} (a bearer token verified once is remembered until
 * it expires, {@link VerifiedTokens}), limits its rate, and forwards the request to the
 * service that owns the route with the caller's access token (a bearer token as sent, or the console session's).
 * Answers, errors and server-sent event streams come back as the service sent them. A call that rides on the console's
 * session cookie must not come from another site ({@link CrossSiteRequests}); bearer-token calls carry no ambient
 * credential and are not asked (unless they carry the session cookie too).
 *
 * <p>A body is read last: the route, the caller and its rate decide first, on the headers alone (the request stays paused
 * meanwhile), so an anonymous or refused upload costs nothing; then it is read within the route's own limit and the
 * gateway's cap on bodies in flight. A refusal of a request whose body was not read closes the connection.
 */
@ApplicationScoped
public class ApiProxy {

    private static final Logger LOG = Logger.getLogger(ApiProxy.class);
    /**
     * Connection-level headers (RFC 9110 §7.6.1), and what the gateway sets itself: the trace context too, which the
     * gateway's tracing replaces with its own span's in the caller's trace (forwarded as well, it would arrive twice).
     */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "cookie", "authorization", "forwarded", "x-forwarded-for", "x-forwarded-host",
            "x-forwarded-proto", "traceparent", "tracestate", "baggage");
    private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length", "set-cookie");

    private static final Set<HttpMethod> BODILESS = Set.of(HttpMethod.GET, HttpMethod.HEAD);
    /** The routing context's key for the organisation a console session's call acts for. */
    private static final String SESSION_ORGANIZATION = "traittrace.session-organization";

    private final ApiRoutes routes;
    private final Upstreams upstreams;
    private final RateLimiter rateLimiter;
    private final VerifiedTokens verifiedTokens;
    private final GatewayConfig config;
    private final ClientAddresses clients;
    private final CrossSiteRequests crossSite;
    /** Event streams open now, in all and per caller. */
    private final AtomicInteger streamsOpen = new AtomicInteger();
    private final Map<String, Integer> streamsByCaller = new ConcurrentHashMap<>();
    /** Bodies being read now, over all callers. */
    private final AtomicInteger uploads = new AtomicInteger();

    public ApiProxy(ApiRoutes routes, Upstreams upstreams, RateLimiter rateLimiter, VerifiedTokens verifiedTokens,
            GatewayConfig config, ClientAddresses clients, CrossSiteRequests crossSite) {
        this.routes = routes;
        this.upstreams = upstreams;
        this.rateLimiter = rateLimiter;
        this.verifiedTokens = verifiedTokens;
        this.config = config;
        this.clients = clients;
        this.crossSite = crossSite;
    }

    void register(@Observes Router router) {
        router.route("/api/*").handler(this::handle).failureHandler(this::failed);
    }

    /** A request the router itself refused or a fault of the gateway, as a problem. */
    private void failed(RoutingContext context) {
        if (isAuthenticationFailure(context.failure())) {
            // A token that fails validation surfaces here as well as in authorize(): whichever comes first answers.
            unauthenticated(context);
        } else if (context.statusCode() >= 400 && context.statusCode() < 500) {
            Problems.send(context, ProblemKind.forStatus(context.statusCode()).orElse(ProblemKind.INVALID_REQUEST),
                    "The request could not be read");
        } else {
            LOG.error("Gateway failure", context.failure());
            Problems.send(context, ProblemKind.SERVER_ERROR, "The request could not be completed");
        }
    }

    private void handle(RoutingContext context) {
        if (!BODILESS.contains(context.request().method())) {
            // Held until the caller may send it (readBody): no chunk arrives, or is lost, while the caller is checked.
            context.request().pause();
        }
        String method = context.request().method().name();
        String path = context.normalizedPath();
        ApiRoutes.Lookup lookup = routes.lookup(method, path);
        if (lookup instanceof ApiRoutes.Found found) {
            Optional<String> malformed = Organizations.headerRefusal(context.request().headers().getAll(Organizations.HEADER));
            if (malformed.isPresent()) {
                // No service could act for it: refused before the caller is even checked, like any unreadable request.
                refuse(context, 400, "Invalid organisation", malformed.get());
                return;
            }
            authorize(context, found.route());
        } else if (lookup instanceof ApiRoutes.MethodNotAllowed refused) {
            context.response().putHeader(HttpHeaders.ALLOW, String.join(", ", refused.allowed()));
            refuse(context, ProblemKind.METHOD_NOT_ALLOWED, method + " is not allowed on " + path);
        } else {
            refuse(context, ProblemKind.NOT_FOUND, "The gateway routes no API at " + path);
        }
    }

    private void authorize(RoutingContext context, ApiRoute route) {
        if (route.isPublic()) {
            String client = clients.of(context.request());
            limitedOr(context, client, () -> forward(context, route, null, client));
            return;
        }
        if (TenantSelector.carriesSession(context)) {
            // The browser attaches the session cookie to whatever any site makes it send: refuse what another site sent,
            // before the session is decrypted or a byte of the body is read. Asked of a bearer call too when it carries
            // the cookie: no client but a browser sends it, and then the call's origin is the browser's to tell.
            Optional<String> refused = crossSite.refusal(context.request().method(),
                    context.request().getHeader("Sec-Fetch-Site"), context.request().getHeader(HttpHeaders.ORIGIN));
            if (refused.isPresent()) {
                refuse(context, 403, "Cross-site request", refused.get());
                return;
            }
        }
        String bearer = bearerToken(context);
        Optional<VerifiedTokens.Caller> known = bearer == null ? Optional.empty() : verifiedTokens.lookup(bearer);
        if (known.isPresent()) {
            decide(context, route, known.get(), bearer);
            return;
        }
        Uni<SecurityIdentity> identity = context.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
        identity.subscribe().with(caller -> {
            if (caller.isAnonymous()) {
                unauthenticated(context);
                return;
            }
            String token = caller.getCredential(AccessTokenCredential.class).getToken();
            if (bearer != null && !token.equals(bearer)) {
                // A bearer call is the token's, never a session's that came along with it.
                unauthenticated(context);
                return;
            }
            if (bearer == null) {
                rememberSessionOrganization(context, TokenAccess.of(caller));
            }
            VerifiedTokens.Caller verified = new VerifiedTokens.Caller(subject(caller), TokenAccess.of(caller));
            if (token.equals(bearer) && caller.getPrincipal() instanceof JsonWebToken jwt) {
                verifiedTokens.remember(bearer, verified, jwt.getExpirationTime());
            }
            decide(context, route, verified, token);
        }, failure -> unauthenticated(context));
    }

    /**
     * A console session's call names the organisation chosen in the console (its cookie), as the console's own pages do:
     * the browser's event streams cannot set headers. Only one of the session's own organisations: a cookie left by
     * someone else who used the browser names none.
     */
    private static void rememberSessionOrganization(RoutingContext context, CallerAccess caller) {
        Cookie chosen = context.request().getCookie(TenantSelector.ORGANIZATION_COOKIE);
        if (chosen != null && caller.memberships().contains(chosen.getValue())) {
            context.put(SESSION_ORGANIZATION, chosen.getValue());
        }
    }

    /**
     * The roles that count are those the caller holds where the request will act: the organisation named in the header,
     * else the one chosen in the console (a session's call, forwarded as the header), else the caller's only one
     * ({@link TenantResolution}). A caller those roles do not let through is told why when the request could not act for
     * an organisation at all (several and none named: 400; one it is not a member of: 403), else plainly forbidden.
     */
    private void decide(RoutingContext context, ApiRoute route, VerifiedTokens.Caller caller, String token) {
        TenantResolution resolution = caller.access().resolve(organization(context));
        if (route.allows(resolution.roles())) {
            limitedOr(context, caller.subject(), () -> forward(context, route, token, caller.subject()));
        } else if (resolution instanceof TenantResolution.Refused refused) {
            limitedOr(context, caller.subject(), () -> refuse(context, refused.status(), refused.title(), refused.detail()));
        } else {
            limitedOr(context, caller.subject(), () -> refuse(context, ProblemKind.FORBIDDEN, "Your roles do not allow this operation"));
        }
    }

    /** The organisation a routed request names: its header when sent (not blank), else the console's choice, or null. */
    private static String organization(RoutingContext context) {
        String named = context.request().getHeader(Organizations.HEADER);
        return named != null && !named.isBlank() ? named.strip() : context.get(SESSION_ORGANIZATION);
    }

    /** The token of an {@code Authorization: Bearer} header, or null. */
    private static String bearerToken(RoutingContext context) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && header.length() > 7
                ? header.substring(7).trim()
                : null;
    }

    private void unauthenticated(RoutingContext context) {
        if (context.response().ended()) {
            return;
        }
        limitedOr(context, clients.of(context.request()), () -> {
            context.response().putHeader("WWW-Authenticate", "Bearer");
            refuse(context, ProblemKind.UNAUTHORIZED, "A valid bearer token is required");
        });
    }

    private static boolean isAuthenticationFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthenticationException) {
                return true;
            }
        }
        return false;
    }

    private void limitedOr(RoutingContext context, String client, Runnable allowed) {
        rateLimiter.acquire(client).ifPresentOrElse(wait -> tooManyRequests(context, wait), allowed);
    }

    private static void tooManyRequests(RoutingContext context, Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        context.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        refuse(context, ProblemKind.TOO_MANY_REQUESTS, "This client's request rate is over its limit; retry in " + seconds + " s");
    }

    /**
     * A refusal, and for a request whose body is still unread a closed connection once the answer is written: the body is
     * never read, and nothing of it can be taken for the next request on the connection.
     */
    private static void refuse(RoutingContext context, ProblemKind kind, String detail) {
        refuse(context, kind.status(), kind.title(), detail);
    }

    private static void refuse(RoutingContext context, int status, String title, String detail) {
        HttpServerRequest request = context.request();
        if (!BODILESS.contains(request.method()) && !request.isEnded()) {
            context.response().putHeader(HttpHeaders.CONNECTION, "close");
            context.addEndHandler(ended -> request.connection().close());
        }
        Problems.send(context, status, title, detail);
    }

    private void forward(RoutingContext context, ApiRoute route, String token, String caller) {
        readBody(context, route, body -> forward(context, route, token, caller, body));
    }

    /**
     * Reads the body, now that the caller may send it: refused at once when its declared length is over the route's limit
     * or the gateway already reads {@code gateway.max-concurrent-uploads} bodies; cut off with 413 when it grows past the
     * limit.
     */
    private void readBody(RoutingContext context, ApiRoute route, Consumer<Buffer> then) {
        HttpServerRequest request = context.request();
        if (BODILESS.contains(request.method())) {
            then.accept(Buffer.buffer());
            return;
        }
        long limit = (route.upload() ? config.maxBodySize() : config.maxRequestBodySize()).asLongValue();
        if (declaredLength(request) > limit) {
            tooLarge(context, limit);
            return;
        }
        if (uploads.incrementAndGet() > config.maxConcurrentUploads()) {
            uploads.decrementAndGet();
            context.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
            refuse(context, ProblemKind.SERVICE_UNAVAILABLE, "The gateway is reading as many request bodies as it takes at once; retry in 1 s");
            return;
        }
        AtomicBoolean reading = new AtomicBoolean(true);
        Runnable done = () -> {
            if (reading.compareAndSet(true, false)) {
                uploads.decrementAndGet();
            }
        };
        io.vertx.core.buffer.Buffer body = io.vertx.core.buffer.Buffer.buffer();
        request.handler(chunk -> {
            if (!reading.get()) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                done.run();
                tooLarge(context, limit);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(failure -> done.run());
        context.response().closeHandler(closed -> done.run());
        request.endHandler(ended -> {
            if (reading.get()) {
                done.run();
                then.accept(Buffer.newInstance(body));
            }
        });
        request.resume();
    }

    private static long declaredLength(HttpServerRequest request) {
        try {
            String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void tooLarge(RoutingContext context, long limit) {
        refuse(context, ProblemKind.PAYLOAD_TOO_LARGE, "The request body is over this route's limit of " + limit + " bytes");
    }

    private void forward(RoutingContext context, ApiRoute route, String token, String caller, Buffer body) {
        HttpServerRequest incoming = context.request();
        String query = incoming.query();
        UpstreamRequest request = new UpstreamRequest(incoming.method(),
                context.normalizedPath() + (query == null ? "" : "?" + query),
                forwardedHeaders(context, token), body);
        String accept = incoming.getHeader(HttpHeaders.ACCEPT);
        if (accept != null && accept.contains("text/event-stream")) {
            openStream(context, route, request, caller);
        } else {
            upstreams.of(route.service()).exchange(request).subscribe()
                    .with(answer -> respond(context, answer), failure -> unavailable(context, failure));
        }
    }

    private static MultiMap forwardedHeaders(RoutingContext context, String token) {
        HttpServerRequest incoming = context.request();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        incoming.headers().forEach(header -> {
            if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                headers.add(header.getKey(), header.getValue());
            }
        });
        if (token != null) {
            headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
            String chosen = context.get(SESSION_ORGANIZATION);
            String named = headers.get(Organizations.HEADER);
            if (chosen != null && (named == null || named.isBlank())) {
                headers.set(Organizations.HEADER, chosen);
            }
        }
        String priorChain = incoming.getHeader("X-Forwarded-For");
        String address = peerAddress(context);
        headers.set("X-Forwarded-For", priorChain == null ? address : priorChain + ", " + address);
        headers.set("X-Forwarded-Proto", incoming.scheme());
        headers.set("X-Forwarded-Host", incoming.authority() == null ? "" : incoming.authority().toString());
        return headers;
    }

    private static void respond(RoutingContext context, UpstreamResponse answer) {
        HttpServerResponse response = context.response().setStatusCode(answer.status());
        copyReturnedHeaders(answer.headers(), response);
        response.end(answer.body().getDelegate());
    }

    /**
     * An event stream, if its caller holds fewer than {@code gateway.streams.max-per-caller} (else 429) and the gateway fewer
     * than {@code gateway.streams.max-open} (else 503): a stream holds a connection for as long as it is open.
     */
    private void openStream(RoutingContext context, ApiRoute route, UpstreamRequest request, String caller) {
        int callersStreams = streamsByCaller.merge(caller, 1, Integer::sum);
        if (callersStreams > config.streams().maxPerCaller()) {
            closeStream(caller);
            context.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
            refuse(context, ProblemKind.TOO_MANY_REQUESTS, "This caller already has " + config.streams().maxPerCaller()
                    + " event streams open; close one first");
            return;
        }
        if (streamsOpen.incrementAndGet() > config.streams().maxOpen()) {
            streamsOpen.decrementAndGet();
            closeStream(caller);
            context.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
            refuse(context, ProblemKind.SERVICE_UNAVAILABLE, "The gateway holds as many event streams as it takes; retry in 5 s");
            return;
        }
        AtomicBoolean open = new AtomicBoolean(true);
        Runnable closed = () -> {
            if (open.compareAndSet(true, false)) {
                streamsOpen.decrementAndGet();
                closeStream(caller);
            }
        };
        // Ended or cut off, the stream gives its place back (the context's end handlers run in both cases).
        context.addEndHandler(ended -> closed.run());
        upstreams.of(route.service()).open(request).subscribe()
                .with(answer -> stream(context, answer), failure -> unavailable(context, failure));
    }

    private void closeStream(String caller) {
        streamsByCaller.computeIfPresent(caller, (key, count) -> count == 1 ? null : count - 1);
    }

    private static void stream(RoutingContext context, HttpClientResponse answer) {
        HttpServerResponse response = context.response().setStatusCode(answer.statusCode()).setChunked(true);
        copyReturnedHeaders(answer.headers().getDelegate(), response);
        // A caller who stops listening must not keep the service's stream open.
        response.closeHandler(gone -> answer.request().reset());
        answer.pipeTo(io.vertx.mutiny.core.http.HttpServerResponse.newInstance(response)).subscribe()
                .with(done -> { }, failure -> LOG.debugf(failure, "Event stream from %s ended", context.request().path()));
    }

    private static void copyReturnedHeaders(MultiMap from, HttpServerResponse to) {
        from.forEach(header -> {
            if (!NOT_RETURNED.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                to.headers().add(header.getKey(), header.getValue());
            }
        });
    }

    private void unavailable(RoutingContext context, Throwable failure) {
        if (failure instanceof UpstreamUnavailableException down) {
            if (down.response() != null) {
                respond(context, down.response());
                return;
            }
            if (down.retryAfter() != null) {
                long seconds = Math.max(1, down.retryAfter().toSeconds());
                context.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            }
            String title = switch (down.status()) {
                case 503 -> "Service unavailable";
                case 504 -> "Gateway timeout";
                default -> "Bad gateway";
            };
            Problems.send(context, down.status(), title, down.getMessage());
            return;
        }
        LOG.error("Forwarding failed", failure);
        Problems.send(context, ProblemKind.BAD_GATEWAY, "The request could not be forwarded");
    }

    private static String subject(SecurityIdentity caller) {
        return caller.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null
                ? "sub:" + jwt.getSubject()
                : "name:" + caller.getPrincipal().getName();
    }

    private static String peerAddress(RoutingContext context) {
        return context.request().remoteAddress() == null ? "unknown" : context.request().remoteAddress().hostAddress();
    }
}
