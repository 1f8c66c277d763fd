package io.traittrace.audit.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.traittrace.api.tenancy.Organizations;
import io.traittrace.testsupport.EmbeddedPostgresServer;
import io.traittrace.testsupport.Migrations;

/** A deployment upgrades with its audits in place: V6 moves every audit and run of a populated V5 schema into the default organisation. */
class MigrationUpgradeTest {

    private static final String A = "00000000-0000-0000-0000-00000000000a";
    private static final String B = "00000000-0000-0000-0000-00000000000b";

    @Test
    void v6MovesEveryAuditAndRunIntoTheDefaultOrganisationAndScopesKeysToIt() throws SQLException {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start()) {
            String url = server.jdbcUrl(server.createDatabase("upgrade"));
            Migrations.migrate(url, "5");
            try (Connection db = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
                    Statement sql = db.createStatement()) {
                // Two callers' audits under one key (V3 scoped keys to the requester), one running with a run, one ended.
                sql.execute("""
                        INSERT INTO audit (id, idempotency_key, request_hash, protocol, student, request, subjects, state, requested_by, origin,
                                           runs_total, gpu_seconds_reserved, created_at, updated_at, finished_at)
                        VALUES ('%s', 'k1', 'h', 'canary', 's', '{}', '{}', 'RUNNING', 'alice', 'api', 1, 3600, now(), now(), NULL),
                               ('%s', 'k1', 'h', 'canary', 's', '{}', '{}', 'FAILED', 'bob', 'api', 0, 0, now(), now(), now());
                        INSERT INTO audit_run (id, audit_id, run_index, job_name, arms, seed, spec, state, updated_at)
                        VALUES ('00000000-0000-0000-0000-0000000000a0', '%s', 0, 'tt-a-0', 'S_aux', 1, '{}', 'PENDING', now())"""
                        .formatted(A, B, A));
                Migrations.insertEventsWithoutOrganization(sql);

                Migrations.migrate(url, null);

                // An event waiting to be sent names the organisation its audit moved into; a sent one is left as it was.
                assertThat(Migrations.eventOrganizations(sql)).containsExactlyInAnyOrderEntriesOf(
                        Map.of(Migrations.PENDING_EVENT, Organizations.DEFAULT, Migrations.SENT_EVENT, "-"));

                assertThat(Migrations.pairs(sql, "SELECT CAST(id AS text), organization FROM audit"))
                        .containsExactlyInAnyOrderEntriesOf(Map.of(A, Organizations.DEFAULT, B, Organizations.DEFAULT));
                assertThat(Migrations.pairs(sql, "SELECT job_name, organization FROM audit_run")).containsExactlyEntriesOf(Map.of("tt-a-0", Organizations.DEFAULT));
                // Nothing is left without an organisation.
                assertThatThrownBy(() -> sql.execute("UPDATE audit SET organization = NULL")).hasMessageContaining("null value");
                assertThatThrownBy(() -> sql.execute("UPDATE audit_run SET organization = NULL")).hasMessageContaining("null value");
                // A key is the requester's within an organisation: alice's k1 again in the default organisation is refused, in another taken.
                String again = """
                        INSERT INTO audit (id, organization, idempotency_key, request_hash, protocol, student, request, subjects, state,
                                           requested_by, origin, runs_total, created_at, updated_at, finished_at)
                        VALUES (gen_random_uuid(), '%s', 'k1', 'h', 'canary', 's', '{}', '{}', 'FAILED', 'alice', 'api', 0, now(), now(), now())""";
                assertThatThrownBy(() -> sql.execute(again.formatted(Organizations.DEFAULT)))
                        .hasMessageContaining("audit_by_organization_requester_key");
                sql.execute(again.formatted("acme"));
                // Quota overrides: none yet, and no negative limit.
                assertThat(Migrations.pairs(sql, "SELECT organization, updated_by FROM organization_quota")).isEmpty();
                assertThatThrownBy(() -> sql.execute("""
                        INSERT INTO organization_quota (organization, max_audits_in_flight, updated_by, updated_at)
                        VALUES ('acme', -1, 'p', now())""")).hasMessageContaining("check constraint");
            }
        }
    }
}
