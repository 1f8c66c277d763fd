package io.traittrace.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource: an embedded PostgreSQL with one fresh database, wired into the datasource. The server
 * keeps its data in a temporary directory, so a test can take it away and bring it back ({@link #server()}'s
 * {@code pause()}/{@code resume()}) as a database outage would.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedPostgresServer server;
    private Path dataDirectory;

    @Override
    public Map<String, String> start() {
        try {
            dataDirectory = Files.createTempDirectory("traittrace-postgres-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = EmbeddedPostgresServer.startIn(dataDirectory);
        String db = server.createDatabase("traittrace");
        return Map.of(
                "quarkus.datasource.jdbc.url", server.jdbcUrl(db),
                "quarkus.datasource.reactive.url", server.reactiveUrl(db),
                "quarkus.datasource.username", EmbeddedPostgresServer.USER,
                "quarkus.datasource.password", EmbeddedPostgresServer.PASSWORD);
    }

    /** The running server, for tests that simulate a database outage. */
    public static EmbeddedPostgresServer server() {
        if (server == null) {
            throw new IllegalStateException("PostgresResource is not started");
        }
        return server;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (dataDirectory != null) {
            try (Stream<Path> files = Files.walk(dataDirectory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
