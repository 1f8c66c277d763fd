package io.traittrace.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (zonky's packaged binaries) on a free local port.
 * Each caller gets its own database so services never share tables, as in production.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres"; // test fixture: local embedded server only

    private final int port;
    /** Where a restartable server keeps its data; null for a server whose data zonky deletes at close. */
    private final Path dataDirectory;
    private EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.port = postgres.getPort();
        this.dataDirectory = dataDirectory;
    }

    public static EmbeddedPostgresServer start() {
        return new EmbeddedPostgresServer(launch(configured()), null);
    }

    /**
     * A server whose data lives in {@code dataDirectory} (initialised when empty) and that {@link #pause()} stops and
     * {@link #resume()} starts again on the same port with the same data, as a database restart would. The caller
     * owns the directory: it is kept after {@link #close()}.
     */
    public static EmbeddedPostgresServer startIn(Path dataDirectory) {
        try {
            return new EmbeddedPostgresServer(launch(configured().setPort(Ports.free())
                    .setDataDirectory(dataDirectory).setCleanDataDirectory(false)), dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddedPostgres.Builder configured() {
        return EmbeddedPostgres.builder()
                .setServerConfig("max_connections", "200")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off");
    }

    private static EmbeddedPostgres launch(EmbeddedPostgres.Builder builder) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** Stops the server (a fast shutdown: clients are disconnected) and keeps its data; only for {@link #startIn}. */
    public synchronized void pause() {
        requireRestartable();
        if (postgres != null) {
            stop(postgres);
            postgres = null;
        }
    }

    /** Starts a paused server again on its port with its data. */
    public synchronized void resume() {
        requireRestartable();
        if (postgres == null) {
            postgres = launch(configured().setPort(port).setDataDirectory(dataDirectory).setCleanDataDirectory(false));
        }
    }

    private void requireRestartable() {
        if (dataDirectory == null) {
            throw new IllegalStateException("Only a server started with startIn(dataDirectory) can be paused and resumed");
        }
    }

    /** Creates a database owned by the superuser and returns its name. */
    public synchronized String createDatabase(String name) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE \"" + name + "\"");
            return name;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + name, e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    public String reactiveUrl(String database) {
        return "postgresql://localhost:" + port() + "/" + database;
    }

    @Override
    public synchronized void close() {
        if (postgres != null) {
            stop(postgres);
            postgres = null;
        }
    }

    private static void stop(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
