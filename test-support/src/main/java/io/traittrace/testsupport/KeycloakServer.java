package io.traittrace.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.api.tenancy.Organizations;
import io.traittrace.api.tenancy.Roles;

/**
 * A real Keycloak (the distribution from Maven Central, unpacked by the build) with the realm
 * {@value #REALM} imported from {@code keycloak/traittrace-realm.json}, the file the local run and k8s use.
 * After start it adds the demo users and the demo password client ({@code keycloak/demo}) through the admin API,
 * so the realm file itself stays free of users. Secrets are made up per run.
 *
 * <p>One server per JVM ({@link #shared()}), stopped by a shutdown hook: it takes a minute or two to start on a
 * busy machine, and every test class of a module can use the same one. The console redirect URI must be in the
 * realm before it is imported, so the server also picks the port the console under test must listen on.
 *
 * <p>Everything runs on host name {@code localhost}: Keycloak's issuer follows the host a token was asked for.
 */
public final class KeycloakServer implements AutoCloseable {

    public static final String REALM = "traittrace";
    /** A second realm on the same server: tokens that look right (audience, roles) but have another issuer and key. */
    public static final String STRANGER_REALM = "stranger";
    public static final String CONSOLE_CLIENT = "traittrace-console";
    /** The public demo client for the password grant (local and test use only). */
    public static final String DEMO_CLIENT = "traittrace-cli";
    /** System property naming the unpacked distribution (the directory holding {@code bin/kc.sh}). */
    public static final String DIST_PROPERTY = "traittrace.keycloak.dist";

    private static final String REALM_FILE = "keycloak/traittrace-realm.json";
    private static final String DEMO_USERS_FILE = "keycloak/demo/demo-users.local-only.json";
    private static final String STRANGER_REALM_FILE = "keycloak/demo/stranger-realm.test-only.json";
    /** The realm file's placeholders for client secrets, by client. */
    private static final Map<String, String> SECRET_PLACEHOLDERS = Map.of(
            CONSOLE_CLIENT, "TRAITTRACE_CONSOLE_SECRET",
            "registry-publisher", "TRAITTRACE_REGISTRY_PUBLISHER_SECRET",
            "audit-runner", "TRAITTRACE_AUDIT_RUNNER_SECRET");
    private static final String CONSOLE_URL_PLACEHOLDER = "TRAITTRACE_CONSOLE_URL";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");
    private static final String ADMIN_USER = "bootstrap-admin";
    /** A cold start (first augmentation of the distribution) took up to two minutes on a loaded 2-core machine. */
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(KeycloakServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The running server is announced JVM-wide in system properties: Quarkus loads this class once per application
     * (a class loader per set of test resources), so a static field alone would start one server per set.
     */
    private static final String RUNNING = "traittrace.keycloak.running.";
    /** String literals are interned: the same lock object in every class loader's copy of this class. */
    private static final Object JVM_LOCK = "io.traittrace.testsupport.KeycloakServer";

    private static KeycloakServer shared;

    /** Set only in the instance that started Keycloak, which alone stops it. */
    private final BoundProcessGroup process;
    private final Path log;
    private final String url;
    private final int consolePort;
    private final Map<String, String> clientSecrets;
    /** The bootstrap admin's password, made up per start (null where unknown). */
    private final String adminPassword;
    private final JsonNode demoUsers = resource(DEMO_USERS_FILE);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KeycloakServer(BoundProcessGroup process, Path log, String url, int consolePort, Map<String, String> clientSecrets,
            String adminPassword) {
        this.process = process;
        this.log = log;
        this.url = url;
        this.consolePort = consolePort;
        this.clientSecrets = clientSecrets;
        this.adminPassword = adminPassword;
    }

    /**
     * The server of this JVM: the one already running, else one started from the distribution named by
     * {@value #DIST_PROPERTY} and stopped when the JVM exits.
     */
    public static KeycloakServer shared() {
        synchronized (JVM_LOCK) {
            if (shared == null) {
                shared = System.getProperty(RUNNING + "url") != null ? announced() : startAndAnnounce();
            }
            return shared;
        }
    }

    private static KeycloakServer startAndAnnounce() {
        String dist = System.getProperty(DIST_PROPERTY);
        if (dist == null) {
            throw new IllegalStateException("System property " + DIST_PROPERTY
                    + " must name the unpacked Keycloak distribution (see gateway/pom.xml)");
        }
        KeycloakServer server = start(Path.of(dist));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "keycloak-stop"));
        System.setProperty(RUNNING + "console-port", Integer.toString(server.consolePort));
        server.clientSecrets.forEach((client, secret) -> System.setProperty(RUNNING + "secret." + client, secret));
        System.setProperty(RUNNING + "admin-password", server.adminPassword);
        System.setProperty(RUNNING + "url", server.url);
        return server;
    }

    private static KeycloakServer announced() {
        Map<String, String> secrets = new HashMap<>();
        SECRET_PLACEHOLDERS.keySet()
                .forEach(client -> secrets.put(client, System.getProperty(RUNNING + "secret." + client)));
        return new KeycloakServer(null, null, System.getProperty(RUNNING + "url"),
                Integer.parseInt(System.getProperty(RUNNING + "console-port")), secrets, System.getProperty(RUNNING + "admin-password"));
    }

    /** Starts a server on free ports from an unpacked distribution (tests). */
    private static KeycloakServer start(Path dist) {
        try {
            return start(dist, Ports.free(), Ports.free());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a server on {@code port} for a console (the gateway) on {@code consolePort}, and waits until the realm
     * answers and the demo users exist: the local run's Keycloak. The caller stops it with {@link #close()}.
     */
    public static KeycloakServer start(Path dist, int port, int consolePort) {
        try {
            int managementPort = Ports.free();
            Map<String, String> secrets = new HashMap<>();
            SECRET_PLACEHOLDERS.keySet().forEach(client -> secrets.put(client, randomSecret()));
            String adminPassword = randomSecret();

            Map<String, String> placeholders = new HashMap<>();
            placeholders.put(CONSOLE_URL_PLACEHOLDER, consoleUrl(consolePort));
            SECRET_PLACEHOLDERS.forEach((client, name) -> placeholders.put(name, secrets.get(client)));
            String realm = text(REALM_FILE);
            requireKnownPlaceholders(realm, placeholders.keySet());

            // Keycloak imports data/import/*.json at start and substitutes ${VAR} from its environment.
            Path imports = dist.resolve("data/import");
            Files.createDirectories(imports);
            Files.writeString(imports.resolve("traittrace-realm.json"), realm);
            Path log = dist.resolveSibling("keycloak-" + port + ".log");
            // A server already on the port would answer for this one: the stack would silently use a stale Keycloak.
            Ports.requireFree(port, "Keycloak");
            // Its own process group (kc.sh may stay the parent of the JVM it starts), bound to this JVM; loopback only.
            ProcessBuilder builder = new ProcessBuilder("/bin/sh", dist.resolve("bin/kc.sh").toString(),
                    "start-dev", "--import-realm", "--db=dev-mem", "--http-host=127.0.0.1",
                    "--http-port=" + port, "--http-management-port=" + managementPort,
                    "--hostname=http://localhost:" + port)
                    .directory(dist.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(placeholders);
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
            LOG.log(Level.INFO, "Starting Keycloak on port {0} (log: {1})", Integer.toString(port), log);
            long started = System.nanoTime();
            KeycloakServer server = new KeycloakServer(BoundProcessGroup.start(builder, STOP_TIMEOUT), log, "http://localhost:" + port, consolePort,
                    secrets, adminPassword);
            try {
                server.awaitRealm(started);
                server.addDemoMaterial();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            LOG.log(Level.INFO, "Keycloak ready at {0} after {1} s", server.url,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The issuer of realm {@value #REALM}, which is also the {@code quarkus.oidc.auth-server-url}. */
    public String issuer() {
        return issuer(REALM);
    }

    /** The issuer of a realm of this server, e.g. {@value #STRANGER_REALM}. */
    public String issuer(String realm) {
        return url + "/realms/" + realm;
    }

    /** The port the console under test must listen on: its redirect URIs are registered for it. */
    public int consolePort() {
        return consolePort;
    }

    /**
     * Where browsers open the console under test: the realm's console client is registered for this origin (exact
     * redirect URIs below it), and it is the gateway's {@code gateway.public-url} ({@code CONSOLE_URL}).
     */
    public String consoleUrl() {
        return consoleUrl(consolePort);
    }

    private static String consoleUrl(int consolePort) {
        return "http://localhost:" + consolePort;
    }

    /** The secret made up for this run for a confidential client of the realm file. */
    public String clientSecret(String clientId) {
        String secret = clientSecrets.get(clientId);
        if (secret == null) {
            throw new IllegalArgumentException("No confidential client " + clientId + " in " + REALM_FILE);
        }
        return secret;
    }

    /** A demo user's password, as published in the demo fixture (local and test use only). */
    public String demoPassword(String username) {
        for (JsonNode user : demoUsers.path("users")) {
            if (username.equals(user.path("username").asText())) {
                return user.path("credentials").path(0).path("value").asText();
            }
        }
        throw new IllegalArgumentException("No demo user " + username + " in " + DEMO_USERS_FILE);
    }

    /** An access token of realm {@value #REALM} by the password grant through the demo client. */
    public String passwordToken(String username, String password) {
        return passwordToken(REALM, username, password);
    }

    /**
     * An access token of realm {@value #REALM} by the password grant, asking for {@code scope}: a member of several
     * organizations gets them in the token only by asking, {@code organization:*} for all, {@code organization:ALIAS}
     * for one (the demo client's default {@code organization} scope maps a single membership only).
     */
    public String scopedPasswordToken(String username, String password, String scope) {
        return token(REALM, Map.of("grant_type", "password", "client_id", DEMO_CLIENT,
                "username", username, "password", password, "scope", scope));
    }

    /** A token from realm {@value #STRANGER_REALM} that names the right audience and role viewer. */
    public String strangerToken() {
        JsonNode user = resource(STRANGER_REALM_FILE).path("users").path(0);
        return passwordToken(STRANGER_REALM, user.path("username").asText(),
                user.path("credentials").path(0).path("value").asText());
    }

    private String passwordToken(String realm, String username, String password) {
        return token(realm, Map.of("grant_type", "password", "client_id", DEMO_CLIENT,
                "username", username, "password", password));
    }

    /** An access token of realm {@value #REALM} by the client-credentials grant. */
    public String clientCredentialsToken(String clientId, String secret) {
        return token(REALM, Map.of("grant_type", "client_credentials", "client_id", clientId,
                "client_secret", secret));
    }

    private String token(String realm, Map<String, String> form) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                URI.create(issuer(realm) + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form))).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Keycloak refused a " + form.get("grant_type") + " token for "
                    + form.getOrDefault("username", form.get("client_id")) + ": " + response.statusCode() + " "
                    + response.body());
        }
        return json(response.body()).path("access_token").asText();
    }

    private void awaitRealm(long started) {
        URI discovery = URI.create(issuer() + "/.well-known/openid-configuration");
        long deadline = started + READY_TIMEOUT.toNanos();
        long nextReport = started + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.process().exitValue() + "; log:\n" + logTail());
            }
            try {
                if (http.send(HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
            }
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException("Keycloak did not serve realm " + REALM + " within " + READY_TIMEOUT
                        + "; log:\n" + logTail());
            }
            if (now > nextReport) {
                LOG.log(Level.INFO, "Keycloak not ready after {0} s (first start augments the distribution)",
                        TimeUnit.NANOSECONDS.toSeconds(now - started));
                nextReport = now + TimeUnit.SECONDS.toNanos(15);
            }
            sleep(Duration.ofSeconds(1));
        }
    }

    /**
     * Demo users and client (partial import keeps the realm file's own content), the demo organizations with their
     * members, and the stranger realm.
     */
    private void addDemoMaterial() {
        String admin = adminToken();
        adminPost(admin, "/admin/realms/" + REALM + "/partialImport", withoutComment(DEMO_USERS_FILE));
        addDemoOrganizations(admin);
        adminPost(admin, "/admin/realms", withoutComment(STRANGER_REALM_FILE));
    }

    /**
     * Partial import knows no organizations, and cannot import nested groups (Keycloak 26.5 fails looking up what it
     * just created): each organization is created, its role groups {@code /organizations/ALIAS/ROLE} under one root
     * group, then its members added by user id and put into the role groups their entry lists.
     */
    private void addDemoOrganizations(String admin) {
        String realm = "/admin/realms/" + REALM;
        String root = lastSegment(adminPost(admin, realm + "/groups", group(Organizations.GROUP_ROOT)));
        for (JsonNode organization : demoUsers.path("organizations")) {
            String alias = organization.path("alias").asText();
            ObjectNode created = JSON.createObjectNode()
                    .put("alias", alias)
                    .put("name", organization.path("name").asText())
                    .put("enabled", true);
            String location = adminPost(admin, realm + "/organizations", created.toString());
            String organizationPath = location.substring(location.indexOf(realm));
            String organizationGroup = lastSegment(adminPost(admin, realm + "/groups/" + root + "/children", group(alias)));
            Map<String, String> roleGroups = new HashMap<>();
            for (String role : List.of(Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN)) {
                roleGroups.put(role, lastSegment(adminPost(admin, realm + "/groups/" + organizationGroup + "/children",
                        group(role))));
            }
            for (Map.Entry<String, JsonNode> member : organization.path("members").properties()) {
                String userId = userId(admin, member.getKey());
                adminPost(admin, organizationPath + "/members", JSON.valueToTree(userId).toString());
                for (JsonNode role : member.getValue()) {
                    adminPut(admin, realm + "/users/" + userId + "/groups/" + roleGroups.get(role.asText()));
                }
            }
        }
    }

    private static String group(String name) {
        return JSON.createObjectNode().put("name", name).toString();
    }

    private static String lastSegment(String location) {
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private String userId(String admin, String username) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url + "/admin/realms/" + REALM
                + "/users?exact=true&username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + admin).build());
        JsonNode users = json(response.body());
        if (response.statusCode() != 200 || users.size() != 1) {
            throw new IllegalStateException("No single demo user " + username + ": " + response.statusCode() + " "
                    + response.body());
        }
        return users.path(0).path("id").asText();
    }

    private String adminToken() {
        return token("master", Map.of("grant_type", "password", "client_id", "admin-cli", "username", ADMIN_USER, "password", adminPassword));
    }

    /**
     * Whether realm {@value #REALM}'s password policy takes {@code password}, asked the way an admin sets one: on a
     * user made for the question and deleted after it.
     */
    public boolean passwordPolicyAccepts(String password) {
        String admin = adminToken();
        String users = url + "/admin/realms/" + REALM + "/users";
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(users))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"policy-check-" + UUID.randomUUID() + "\",\"enabled\":true}"))
                .build());
        String user = created.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("Keycloak made no user: " + created.statusCode() + " " + created.body()));
        try {
            HttpResponse<String> reset = send(HttpRequest.newBuilder(URI.create(user + "/reset-password"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("type", "password").put("value", password)
                            .put("temporary", false).toString()))
                    .build());
            if (reset.statusCode() != 204 && reset.statusCode() != 400) {
                throw new IllegalStateException("Keycloak answered " + reset.statusCode() + " to a password: " + reset.body());
            }
            return reset.statusCode() == 204;
        } finally {
            send(HttpRequest.newBuilder(URI.create(user)).header("Authorization", "Bearer " + admin).DELETE().build());
        }
    }

    /** The fixture as Keycloak takes it: its realm endpoint refuses the "_comment" that marks the file. */
    private static String withoutComment(String fixture) {
        ObjectNode json = (ObjectNode) resource(fixture);
        json.remove("_comment");
        return json.toString();
    }

    /** POSTs to the admin API; the answer's {@code Location} (empty where none). */
    private String adminPost(String adminToken, String path, String body) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("Keycloak admin API refused POST " + path + ": " + response.statusCode()
                    + " " + response.body());
        }
        return response.headers().firstValue("Location").orElse("");
    }

    private void adminPut(String adminToken, String path) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + adminToken)
                .PUT(HttpRequest.BodyPublishers.noBody()).build());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("Keycloak admin API refused PUT " + path + ": " + response.statusCode()
                    + " " + response.body());
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling Keycloak", e);
        }
    }

    /** Stops Keycloak's whole process group (TERM, then KILL if it does not go in time) if this instance started it. */
    @Override
    public void close() {
        if (process != null) {
            process.stop();
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Keycloak leaves an unset placeholder as literal text, which would then be a client's secret: refuse that. */
    private static void requireKnownPlaceholders(String realm, Set<String> known) {
        Set<String> unknown = new TreeSet<>();
        Matcher matcher = PLACEHOLDER.matcher(realm);
        while (matcher.find()) {
            if (!known.contains(matcher.group(1))) {
                unknown.add(matcher.group(1));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalStateException(REALM_FILE + " has placeholders KeycloakServer does not set: " + unknown);
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String formBody(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String text(String resource) {
        try (InputStream in = KeycloakServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path (test-support packs keycloak/)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode resource(String resource) {
        return json(text(resource));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
        }
    }
}
