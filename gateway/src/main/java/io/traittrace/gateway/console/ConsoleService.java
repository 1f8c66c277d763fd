package io.traittrace.gateway.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.problem.ProblemKind;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.gateway.client.Upstream;
import io.traittrace.gateway.client.UpstreamRequest;
import io.traittrace.gateway.client.UpstreamResponse;
import io.traittrace.gateway.client.UpstreamUnavailableException;
import io.traittrace.gateway.client.Upstreams;
import io.traittrace.gateway.service.ApiRoutes.Service;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.buffer.Buffer;

/**
 * Everything the console shows, read from the services through the same upstream clients the API proxy uses, with
 * the signed-in user's access token: what a user sees in the console is what their token may read through the API,
 * no more. Service answers become plain maps and lists (as their JSON has them) or the page views below; a refusal
 * becomes a {@link ConsoleProblem}, an outage an {@link UpstreamUnavailableException}.
 */
@ApplicationScoped
public class ConsoleService {

    /** The lineage id alphabet: anything else cannot name a record, and never reaches a service's path. */
    static final Pattern LINEAGE_ID = Pattern.compile("^[A-Za-z0-9](?:[A-Za-z0-9._:-]{0,126}[A-Za-z0-9])?$");
    static final Pattern UUID_ID = Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    static final String BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final TypeReference<List<Object>> ARRAY = new TypeReference<>() {
    };

    private final Upstreams upstreams;
    private final SecurityIdentity identity;
    private final ConsoleOrganization organization;
    private final ObjectMapper mapper;
    private final ObjectMapper pretty;

    public ConsoleService(Upstreams upstreams, SecurityIdentity identity, ConsoleOrganization organization, ObjectMapper mapper) {
        this.upstreams = upstreams;
        this.identity = identity;
        this.organization = organization;
        this.mapper = mapper;
        this.pretty = mapper.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    // ---- lineage ----

    public Uni<Map<String, Object>> searchModels(String q, int page, int size) {
        return object(Service.LINEAGE, "/api/lineage/models" + query("q", q, "page", page, "size", size), "Models");
    }

    /** A model with its family, ancestors, descendants, exposure and training runs, and its graph for drawing. */
    public Uni<ModelView> model(String id) {
        String base = "/api/lineage/models/" + lineageId(id, "Model");
        String what = "Model '" + id + "'";
        return Uni.combine().all().unis(
                object(Service.LINEAGE, base, what),
                object(Service.LINEAGE, base + "/family", what),
                object(Service.LINEAGE, base + "/ancestors", what),
                object(Service.LINEAGE, base + "/descendants", what),
                object(Service.LINEAGE, base + "/exposure", what),
                array(Service.LINEAGE, base + "/training-runs", what))
                .asTuple()
                .map(t -> new ModelView(t.getItem1(), t.getItem2(), t.getItem3(), t.getItem4(), t.getItem5(), t.getItem6(),
                        LineageGraph.of(id, t.getItem1(), t.getItem3(), t.getItem4(), t.getItem5()).toScriptJson(mapper)));
    }

    public Uni<Map<String, Object>> dataset(String id) {
        return object(Service.LINEAGE, "/api/lineage/datasets/" + lineageId(id, "Dataset"), "Dataset '" + id + "'");
    }

    // ---- audits ----

    public Uni<Map<String, Object>> audits(String state, String student, int page, int size) {
        return object(Service.RUNNER, "/api/audits" + query("state", state, "student", student, "page", page, "size", size),
                "Audits");
    }

    public Uni<AuditView> audit(String id) {
        return object(Service.RUNNER, "/api/audits/" + uuid(id, "Audit"), "Audit '" + id + "'")
                .map(audit -> AuditView.of(audit, this::prettyJson));
    }

    /** Sends an audit request; the runner's refusal (4xx) comes back as a {@link ConsoleProblem} with its details. */
    public Uni<Map<String, Object>> requestAudit(Map<String, Object> request) {
        return send(Service.RUNNER, HttpMethod.POST, "/api/audits", "application/json", json(request), true)
                .map(response -> checked(response, "The audit request", Service.RUNNER))
                .map(response -> parseObject(response.body().toString()));
    }

    public Uni<Map<String, Object>> cancelAudit(String id) {
        return send(Service.RUNNER, HttpMethod.POST, "/api/audits/" + uuid(id, "Audit") + "/cancel", null, Buffer.buffer(), true)
                .map(response -> checked(response, "Audit '" + id + "'", Service.RUNNER))
                .map(response -> parseObject(response.body().toString()));
    }

    // ---- certificates ----

    public Uni<Map<String, Object>> certificates(String verdict, String model, int page, int size) {
        return object(Service.REPORT, "/api/certificates" + query("verdict", verdict, "model", model, "page", page, "size", size),
                "Certificates");
    }

    /**
     * A certificate: its statement, its bundle checked by the public verify endpoint (as anyone verifying it would),
     * and its model-card snippet.
     */
    public Uni<CertificateView> certificate(String id) {
        String base = "/api/certificates/" + uuid(id, "Certificate");
        String what = "Certificate '" + id + "'";
        return Uni.combine().all().unis(
                text(Service.REPORT, base, BUNDLE_MEDIA_TYPE + ", application/json", what),
                text(Service.REPORT, base + "/statement", "application/vnd.in-toto+json, application/json", what),
                text(Service.REPORT, base + "/model-card", "text/markdown", what))
                .asTuple()
                .flatMap(t -> verify(t.getItem1()).map(verification -> CertificateView.of(id, parseObject(t.getItem2()),
                        prettyJson(parseObject(t.getItem2())), t.getItem3(), verification)));
    }

    /** The public verify endpoint's verdict on a bundle; a bundle it cannot read at all is reported as not valid. */
    private Uni<Map<String, Object>> verify(String bundle) {
        return send(Service.REPORT, HttpMethod.POST, "/api/certificates/verify", "application/json", Buffer.buffer(bundle), false)
                .map(response -> {
                    if (response.status() == 400) {
                        Map<String, Object> problem = problem(response);
                        Map<String, Object> invalid = new LinkedHashMap<>();
                        invalid.put("valid", false);
                        List<Object> reasons = new ArrayList<>();
                        reasons.add(String.valueOf(problem.getOrDefault("detail", "the bundle could not be read")));
                        if (problem.get("errors") instanceof List<?> errors) {
                            reasons.addAll(errors);
                        }
                        invalid.put("reasons", reasons);
                        return invalid;
                    }
                    return parseObject(checked(response, "Verification", Service.REPORT).body().toString());
                });
    }

    public Uni<Map<String, Object>> revokeCertificate(String id, String reason) {
        return send(Service.REPORT, HttpMethod.POST, "/api/certificates/" + uuid(id, "Certificate") + "/revoke", "application/json",
                json(Map.of("reason", reason)), true)
                .map(response -> checked(response, "Certificate '" + id + "'", Service.REPORT))
                .map(response -> parseObject(response.body().toString()));
    }

    public Uni<Map<String, Object>> keys() {
        return object(Service.REPORT, "/api/keys", "Keys");
    }

    // ---- organisations (platform admin) ----

    /** An organisation's quota, limits and usage, as the runner keeps them. */
    public Uni<Map<String, Object>> quota(String alias) {
        return object(Service.RUNNER, "/api/organizations/" + organizationAlias(alias) + "/quota", "Organisation '" + alias + "'");
    }

    /** Sets an organisation's quota; the runner's refusal (4xx) comes back as a {@link ConsoleProblem} with its details. */
    public Uni<Map<String, Object>> setQuota(String alias, Map<String, Object> quota) {
        return send(Service.RUNNER, HttpMethod.PUT, "/api/organizations/" + organizationAlias(alias) + "/quota", "application/json",
                json(quota), true)
                .map(response -> checked(response, "Organisation '" + alias + "'", Service.RUNNER))
                .map(response -> parseObject(response.body().toString()));
    }

    // ---- plumbing ----

    private Uni<Map<String, Object>> object(Service service, String pathAndQuery, String what) {
        return text(service, pathAndQuery, "application/json", what).map(this::parseObject);
    }

    private Uni<List<Object>> array(Service service, String pathAndQuery, String what) {
        return text(service, pathAndQuery, "application/json", what).map(body -> {
            try {
                return mapper.readValue(body, ARRAY);
            } catch (JsonProcessingException e) {
                throw unreadable(service);
            }
        });
    }

    private Uni<String> text(Service service, String pathAndQuery, String accept, String what) {
        MultiMap headers = headers(accept, null, true);
        return upstreams.of(service).exchange(UpstreamRequest.get(pathAndQuery, headers))
                .map(response -> checked(response, what, service).body().toString());
    }

    private Uni<UpstreamResponse> send(Service service, HttpMethod method, String path, String contentType, Buffer body,
            boolean authenticated) {
        return upstreams.of(service).exchange(new UpstreamRequest(method, path, headers("application/json", contentType, authenticated), body));
    }

    private MultiMap headers(String accept, String contentType, boolean authenticated) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        headers.set(HttpHeaders.ACCEPT, accept);
        if (contentType != null) {
            headers.set(HttpHeaders.CONTENT_TYPE, contentType);
        }
        if (authenticated) {
            accessToken().ifPresent(token -> headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + token));
            if (organization.selected() != null) {
                headers.set(Organizations.HEADER, organization.selected());
            }
        }
        return headers;
    }

    /** The session's access token; absent for an identity without one (the service then answers 401). */
    Optional<String> accessToken() {
        AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
        return Optional.ofNullable(credential).map(AccessTokenCredential::getToken);
    }

    /** A success passes; a refusal becomes the problem the console page shows. */
    private UpstreamResponse checked(UpstreamResponse response, String what, Service service) {
        int status = response.status();
        if (status >= 200 && status < 300) {
            return response;
        }
        String name = upstreams.of(service).name();
        Map<String, Object> problem = problem(response);
        String detail = problem.get("detail") instanceof String d && !d.isBlank() ? d : null;
        List<String> errors = problem.get("errors") instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
        if (status == 401) {
            throw new ConsoleProblem(401, "Signed out", "The " + name + " no longer accepts your sign-in. Sign in again to go on.",
                    List.of());
        }
        if (status == 403) {
            throw new ConsoleProblem(ProblemKind.FORBIDDEN, "Your roles do not allow this.", List.of());
        }
        if (status == 404) {
            throw ConsoleProblem.notFound(what + " does not exist.");
        }
        if (status < 500) {
            String title = problem.get("title") instanceof String t && !t.isBlank() ? t : "Refused";
            throw new ConsoleProblem(status, title, detail == null ? "The " + name + " refused the request (" + status + ")." : detail,
                    errors);
        }
        throw new ConsoleProblem(ProblemKind.BAD_GATEWAY, "The " + name + " failed to answer (status " + status + ").", List.of());
    }

    private Map<String, Object> problem(UpstreamResponse response) {
        try {
            String body = response.body().toString();
            return body.isBlank() ? Map.of() : mapper.readValue(body, OBJECT);
        } catch (JsonProcessingException | RuntimeException e) {
            return Map.of();
        }
    }

    Map<String, Object> parseObject(String body) {
        try {
            Map<String, Object> parsed = mapper.readValue(body, OBJECT);
            return parsed == null ? Map.of() : parsed;
        } catch (JsonProcessingException e) {
            throw new ConsoleProblem(ProblemKind.BAD_GATEWAY, "A service answered with something other than JSON.", List.of());
        }
    }

    private Buffer json(Object value) {
        try {
            return Buffer.buffer(mapper.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    String prettyJson(Object value) {
        try {
            return pretty.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    private ConsoleProblem unreadable(Service service) {
        return new ConsoleProblem(ProblemKind.BAD_GATEWAY, "The " + upstreams.of(service).name() + " answered with something other than JSON.",
                List.of());
    }

    private static String lineageId(String id, String what) {
        if (id == null || !LINEAGE_ID.matcher(id).matches()) {
            throw ConsoleProblem.notFound(what + " '" + id + "' does not exist: lineage ids are " + "1-128 characters from A-Z a-z 0-9 . _ : -.");
        }
        return id;
    }

    private static String organizationAlias(String alias) {
        if (!Organizations.isAlias(alias)) {
            throw ConsoleProblem.notFound("Organisation '" + alias + "' does not exist.");
        }
        return alias;
    }

    private static String uuid(String id, String what) {
        if (id == null || !UUID_ID.matcher(id).matches()) {
            throw ConsoleProblem.notFound(what + " '" + id + "' does not exist.");
        }
        return id;
    }

    /** A query string of the given name/value pairs, leaving out empty values. */
    static String query(Object... pairs) {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            Object value = pairs[i + 1];
            if (value == null || value.toString().isBlank()) {
                continue;
            }
            query.append(query.isEmpty() ? '?' : '&').append(pairs[i]).append('=')
                    .append(URLEncoder.encode(value.toString().trim(), StandardCharsets.UTF_8));
        }
        return query.toString();
    }
}
