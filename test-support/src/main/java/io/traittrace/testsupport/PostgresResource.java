package io.traittrace.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Quarkus test resource: an embedded PostgreSQL with one fresh database, wired into the datasource. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgresServer server;

    @Override
    public Map<String, String> start() {
        server = EmbeddedPostgresServer.start();
        String db = server.createDatabase("traittrace");
        return Map.of(
                "quarkus.datasource.jdbc.url", server.jdbcUrl(db),
                "quarkus.datasource.reactive.url", server.reactiveUrl(db),
                "quarkus.datasource.username", EmbeddedPostgresServer.USER,
                "quarkus.datasource.password", EmbeddedPostgresServer.PASSWORD);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
