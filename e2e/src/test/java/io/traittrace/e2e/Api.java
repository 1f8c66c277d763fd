package io.traittrace.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.traittrace.testsupport.KeycloakServer;

/**
 * Calls TraitTrace the way users do: through the gateway, with access tokens of Keycloak's demo users (password
 * grant of the demo client, as bin/run-local's {@code token}). Tokens live five minutes; each is renewed after one.
 */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TOKEN_REUSE = Duration.ofMinutes(1);

    private final URI gateway;
    private final KeycloakServer keycloak;
    /** HTTP/1.1 as curl and most API clients speak it (the JDK client would otherwise multiplex everything over one h2c connection). */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    private record Token(String value, long fetchedNanos) {
    }

    Api(URI gateway, KeycloakServer keycloak) {
        this.gateway = gateway;
        this.keycloak = keycloak;
    }

    /** An answer, with how long it took. */
    record Reply(int status, String contentType, String body, HttpResponse<String> response, long nanos) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("Not JSON (" + status + "): " + body, e);
            }
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        boolean ok() {
            return status / 100 == 2;
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }

    /**
     * A demo user's access token listing all its organisations (scope {@code organization:*}): acme's viewer, auditor
     * and admin (user names are the roles), globex's globex-viewer, globex-auditor and globex-admin, the consultant
     * (a viewer in acme, an auditor in globex) and platform-admin (keycloak/demo).
     */
    String token(String user) {
        return tokens.compute(user, (name, held) -> held != null && System.nanoTime() - held.fetchedNanos < TOKEN_REUSE.toNanos()
                ? held
                : new Token(keycloak.scopedPasswordToken(name, keycloak.demoPassword(name), "organization:*"),
                        System.nanoTime())).value;
    }

    Reply get(String path, String user) {
        return send(request(path, user).GET());
    }

    /** A read acting for {@code organization} (TraitTrace-Organization). */
    Reply get(String path, String user, String organization) {
        return send(request(path, user).header("TraitTrace-Organization", organization).GET());
    }

    Reply post(String path, String user, String json) {
        return send(request(path, user).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A post acting for {@code organization} (TraitTrace-Organization): the public catalogue's, or one of a member of several. */
    Reply post(String path, String user, String organization, String json) {
        return send(request(path, user).header("TraitTrace-Organization", organization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply post(String path, String user, JsonNode json) {
        return post(path, user, json.toString());
    }

    /** A call without a token (the public routes: verify, keys, revocations). */
    Reply postPublic(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(gateway.resolve(path)).timeout(Duration.ofSeconds(60)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest.Builder request(String path, String user) {
        return HttpRequest.newBuilder(gateway.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token(user));
    }

    private Reply send(HttpRequest.Builder request) {
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body(), response,
                    System.nanoTime() - started);
        } catch (IOException e) {
            throw new UncheckedIOException("Calling the gateway failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
