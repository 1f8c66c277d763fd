package io.traittrace.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.traittrace.testsupport.EmbeddedPostgresServer;

/** One service's database, read directly with JDBC where the rows themselves are the point (nothing lost, nothing twice). */
final class Database {

    private final String name;
    private final EmbeddedPostgresServer server;

    Database(String name, EmbeddedPostgresServer server) {
        this.name = name;
        this.server = server;
    }

    EmbeddedPostgresServer server() {
        return server;
    }

    String name() {
        return name;
    }

    long count(String sql, Object... parameters) {
        return ((Number) rows(sql, parameters).get(0).values().iterator().next()).longValue();
    }

    /** Each row as column → value, in the query's column order. */
    List<Map<String, Object>> rows(String sql, Object... parameters) {
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(name), EmbeddedPostgresServer.USER,
                EmbeddedPostgresServer.PASSWORD);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i] instanceof List<?> list
                        ? connection.createArrayOf("varchar", list.toArray())
                        : parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= columns; c++) {
                        row.put(result.getMetaData().getColumnLabel(c), result.getObject(c));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Query on " + name + " failed: " + sql, e);
        }
    }
}
