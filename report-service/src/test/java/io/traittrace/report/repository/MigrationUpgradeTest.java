package io.traittrace.report.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.traittrace.testsupport.EmbeddedPostgresServer;
import io.traittrace.testsupport.Migrations;

/** A deployment upgrades with its certificates in place: V5 runs over a populated V4 schema. */
class MigrationUpgradeTest {

    @Test
    void v5MovesEveryCertificateWithItsRevocationIntoTheDefaultOrganisation() throws SQLException {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start()) {
            String url = server.jdbcUrl(server.createDatabase("upgrade"));
            Migrations.migrate(url, "4");
            try (Connection db = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
                    Statement sql = db.createStatement()) {
                // A certificate from before scopes (V3 left them NULL), a current one, and a revoked one, as V4 stored them.
                sql.execute("""
                        INSERT INTO certificate (id, audit_id, model_id, model_name, model_digest, verdict, keyid, issued_at,
                                                 expires_at, statement, bundle, subject_name, subject_digest, scope_class,
                                                 subject_evaluated, revoked_at, revocation_reason, revoked_by)
                        VALUES
                          ('00000000-0000-0000-0000-000000000001', 'a1', 'm1', 'org/m1', 'sha256:' || repeat('a', 64),
                           'TRANSFER_DETECTED', repeat('k', 64), now(), now() + interval '1 year', '{}', '{}', 'org/m1',
                           'sha256:' || repeat('a', 64), NULL, NULL, NULL, NULL, NULL),
                          ('00000000-0000-0000-0000-000000000002', 'a2', 'm2', 'org/m2', 'sha256:' || repeat('b', 64),
                           'NO_TRANSFER_DETECTED', repeat('k', 64), now(), now() + interval '1 year', '{}', '{}', 'org/m2',
                           'sha256:' || repeat('b', 64), 'subject-evaluated', true, NULL, NULL, NULL),
                          ('00000000-0000-0000-0000-000000000003', 'a3', 'm2', 'org/m2', 'sha256:' || repeat('b', 64),
                           'INCONCLUSIVE', repeat('k', 64), now(), now() + interval '1 year', '{}', '{}', 'org/m2',
                           'sha256:' || repeat('b', 64), 'subject-evaluated', true, now(), 'wrong teacher', 'user-admin')""");
                Migrations.insertEventsWithoutOrganization(sql);

                Migrations.migrate(url, null);

                // An event waiting to be sent names the organisation its certificate moved into; a sent one is left as it was.
                assertThat(Migrations.eventOrganizations(sql)).containsExactlyInAnyOrderEntriesOf(
                        Map.of(Migrations.PENDING_EVENT, "default", Migrations.SENT_EVENT, "-"));

                assertThat(Migrations.pairs(sql, "SELECT audit_id, organization FROM certificate"))
                        .containsExactlyInAnyOrderEntriesOf(Map.of("a1", "default", "a2", "default", "a3", "default"));
                assertThat(Migrations.pairs(sql, "SELECT audit_id, revocation_reason || ' by ' || revoked_by FROM certificate WHERE revoked_at IS NOT NULL"))
                        .containsExactlyEntriesOf(Map.of("a3", "wrong teacher by user-admin"));
                // Every certificate written from now on names its organisation.
                assertThatThrownBy(() -> sql.execute("""
                        INSERT INTO certificate (id, audit_id, model_id, model_name, model_digest, verdict, keyid, issued_at,
                                                 expires_at, statement, bundle, subject_name, subject_digest)
                        VALUES ('00000000-0000-0000-0000-000000000004', 'a4', 'm', 'm', 'd', 'INCONCLUSIVE', 'k', now(), now(),
                                '{}', '{}', 'm', 'd')""")).hasMessageContaining("organization");
                assertThat(Migrations.pairs(sql, "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = 'certificate_issued'"))
                        .extractingByKey("certificate_issued").asString().contains("(organization, issued_at DESC, id)");
            }
        }
    }
}
