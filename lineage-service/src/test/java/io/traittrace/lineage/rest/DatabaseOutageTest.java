package io.traittrace.lineage.rest;

import static io.traittrace.lineage.rest.LineageApi.model;
import static io.traittrace.lineage.rest.LineageApi.post;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.testsupport.Callers.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.testsupport.DatabaseOutage;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;

/** While the lineage database is down, reads and writes are answered 503 with Retry-After, and served again after. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class DatabaseOutageTest {

    private static final String MAPPERS_LOGGER = "io.traittrace.service.rest.ProblemMappers";

    @Test
    void anOutageIsAnswered503WithRetryAfterAndLoggedInOneLine() {
        String root = id("base");
        post("/api/lineage/models", model(root)).statusCode(201);
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger mappers = Logger.getLogger(MAPPERS_LOGGER);
        mappers.addHandler(capture);
        try {
            DatabaseOutage.whileDown(() -> {
                DatabaseOutage.assertUnavailable(as("viewer").get("/api/lineage/models/" + root).then())
                        .body("instance", equalTo("/api/lineage/models/" + root));
                DatabaseOutage.assertUnavailable(post("/api/lineage/models", model(id("other"))));
            });
        } finally {
            mappers.removeHandler(capture);
        }
        assertThat(logged).hasSize(2).allSatisfy(record -> {
            assertThat(record.getLevel().intValue()).isLessThan(Level.SEVERE.intValue());
            assertThat(record.getThrown()).isNull();
        });
        DatabaseOutage.awaitRecovery(() ->
                as("viewer").get("/api/lineage/models/" + root).then().statusCode(200).body("id", equalTo(root)));
    }
}
