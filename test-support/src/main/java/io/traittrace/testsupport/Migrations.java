package io.traittrace.testsupport;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import org.flywaydb.core.Flyway;

/**
 * A service's own Flyway migrations (its {@code db/migration} on the test classpath) run by hand on an embedded
 * PostgreSQL database: the upgrade tests migrate to an old version, insert rows, migrate to the newest and look.
 */
public final class Migrations {

    /** Where rows from before organisations move: the services' {@code defaultOrganization} placeholder. */
    private static final Map<String, String> PLACEHOLDERS = Map.of("defaultOrganization", "default");

    private Migrations() {
    }

    /** Migrates the database at {@code jdbcUrl} up to version {@code target}, or to the newest when it is null. */
    public static void migrate(String jdbcUrl, String target) {
        var configuration = Flyway.configure().dataSource(jdbcUrl, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD)
                .locations("classpath:db/migration").placeholders(PLACEHOLDERS);
        (target == null ? configuration : configuration.target(target)).load().migrate();
    }

    /** The first two columns of a query's rows, as a map in row order. */
    public static Map<String, String> pairs(Statement sql, String query) throws SQLException {
        Map<String, String> result = new LinkedHashMap<>();
        try (ResultSet rows = sql.executeQuery(query)) {
            while (rows.next()) {
                result.put(rows.getString(1), rows.getString(2));
            }
        }
        return result;
    }
}
