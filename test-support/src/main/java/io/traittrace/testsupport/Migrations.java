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

    /** An event written before organisations and not yet sent, and one already sent: {@link #insertEventsWithoutOrganization}. */
    public static final String PENDING_EVENT = "00000000-0000-4000-8000-0000000000e1";
    public static final String SENT_EVENT = "00000000-0000-4000-8000-0000000000e2";

    /** Inserts {@link #PENDING_EVENT} and {@link #SENT_EVENT} into the service's outbox, both without an organisation. */
    public static void insertEventsWithoutOrganization(Statement sql) throws SQLException {
        sql.execute("""
                INSERT INTO outbox_event (id, topic, event_key, payload, created_at, published_at)
                VALUES ('%s', 't', 'k', '{"id": "e1", "data": {"model": "m"}}', now(), NULL),
                       ('%s', 't', 'k', '{"id": "e2", "data": {"model": "m"}}', now(), now())""".formatted(PENDING_EVENT, SENT_EVENT));
    }

    /** Each outbox event's {@code data.organization}, "-" where it has none. */
    public static Map<String, String> eventOrganizations(Statement sql) throws SQLException {
        return pairs(sql, "SELECT CAST(id AS text), COALESCE(CAST(payload AS jsonb) #>> '{data,organization}', '-') FROM outbox_event");
    }
}
