package io.traittrace.lineage.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.traittrace.lineage.domain.Exposure;
import io.traittrace.lineage.domain.ExposureLevel;
import io.traittrace.testsupport.EmbeddedPostgresServer;
import io.traittrace.testsupport.Migrations;

/**
 * A deployment upgrades with its data in place: the migrations after V4 run over a populated schema and keep what
 * they must, filling what they add from what is there.
 */
class MigrationUpgradeTest {

    @Test
    void v5KeepsEveryRowAndCountsEachModelsRoots() throws SQLException {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start()) {
            String url = server.jdbcUrl(server.createDatabase("upgrade"));
            Migrations.migrate(url, "4");
            try (Connection db = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
                    Statement sql = db.createStatement()) {
                // Two roots, a merge of them and a fine-tune of the merge, as V4 stored them.
                sql.execute("""
                        INSERT INTO model (id, name, created_at) VALUES
                          ('r1', 'r1', now()), ('r2', 'r2', now()), ('m12', 'm12', now()), ('ft', 'ft', now());
                        INSERT INTO model_base (model_id, base_id, relation, position) VALUES
                          ('m12', 'r1', 'merge', 0), ('m12', 'r2', 'merge', 1), ('ft', 'm12', 'finetune', 0);
                        INSERT INTO model_root (model_id, root_id) VALUES
                          ('r1', 'r1'), ('r2', 'r2'), ('m12', 'r1'), ('m12', 'r2'), ('ft', 'r1'), ('ft', 'r2');
                        INSERT INTO root_family_size (root_id, slot, members) VALUES ('r1', 0, 3), ('r2', 3, 3);
                        INSERT INTO exposure (model_id, path_key, level, trained_model, dataset_id, teacher_id, hop_count,
                                              path, detected_at)
                        VALUES ('ft', repeat('a', 64), 'UNKNOWN', 'm12', 'web', NULL, 1,
                                '[{"model":"ft"},{"model":"m12","relation":"finetune"},{"dataset":"web","relation":"trained-on"}]',
                                now())""");

                Migrations.migrate(url, "5");

                assertThat(Migrations.pairs(sql, "SELECT model_id || '>' || root_id, root_count FROM model_root"))
                        .containsExactlyInAnyOrderEntriesOf(Map.of("r1>r1", "1", "r2>r2", "1", "m12>r1", "2", "m12>r2", "2",
                                "ft>r1", "2", "ft>r2", "2"));
                assertThat(Migrations.pairs(sql, "SELECT model_id, CAST(path AS text) FROM exposure"))
                        .containsOnlyKeys("ft").extractingByKey("ft").asString().contains("trained-on");
                // (model_id, path_key) is the key now: the same path twice is refused, another path is not.
                assertThatThrownBy(() -> sql.execute("""
                        INSERT INTO exposure (model_id, path_key, level, trained_model, dataset_id, hop_count, path, detected_at)
                        VALUES ('ft', repeat('a', 64), 'UNKNOWN', 'm12', 'web', 1, '[]', now())""")).hasMessageContaining("exposure_pkey");
                sql.execute("""
                        INSERT INTO exposure (model_id, path_key, level, trained_model, dataset_id, hop_count, path, detected_at)
                        VALUES ('ft', repeat('b', 64), 'UNKNOWN', 'm12', 'web2', 1, '[]', now())""");
                assertThat(Migrations.pairs(sql, "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = 'model_root_shared'"))
                        .extractingByKey("model_root_shared").asString().contains("WHERE (root_count > 1)");
            }
        }
    }

    @Test
    void v6KeepsOneExposurePerModelSourceAndLevelWithTheCountOfTheOthers() throws SQLException {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start()) {
            String url = server.jdbcUrl(server.createDatabase("upgrade"));
            Migrations.migrate(url, "5");
            try (Connection db = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
                    Statement sql = db.createStatement()) {
                // s was stored with one row per path: two 2-hop paths to t0 through t1, one 1-hop path to t1, and two
                // datasets of unknown origin.
                sql.execute("""
                        INSERT INTO exposure (model_id, path_key, level, trained_model, dataset_id, teacher_id, hop_count,
                                              path, detected_at)
                        VALUES
                          ('s', repeat('a', 64), 'SAME_INIT', 's', 'd1', 't1', 2,
                           '[{"model":"s"},{"dataset":"d1","relation":"trained-on"},{"model":"t1","relation":"generated-by"},
                             {"dataset":"d0b","relation":"trained-on"},{"model":"t0","relation":"generated-by"}]',
                           '2026-01-02T00:00:00Z'),
                          ('s', repeat('b', 64), 'SAME_INIT', 's', 'd1', 't1', 2,
                           '[{"model":"s"},{"dataset":"d1","relation":"trained-on"},{"model":"t1","relation":"generated-by"},
                             {"dataset":"d0a","relation":"trained-on"},{"model":"t0","relation":"generated-by"}]',
                           '2026-01-01T00:00:00Z'),
                          ('s', repeat('c', 64), 'SAME_INIT', 's', 'd1', 't1', 1,
                           '[{"model":"s"},{"dataset":"d1","relation":"trained-on"},{"model":"t1","relation":"generated-by"}]',
                           '2026-01-01T00:00:00Z'),
                          ('s', repeat('d', 64), 'UNKNOWN', 's', 'web1', NULL, 1,
                           '[{"model":"s"},{"dataset":"web1","relation":"trained-on"}]', '2026-01-01T00:00:00Z'),
                          ('s', repeat('e', 64), 'UNKNOWN', 's', 'web2', NULL, 1,
                           '[{"model":"s"},{"dataset":"web2","relation":"trained-on"}]', '2026-01-01T00:00:00Z')""");

                Migrations.migrate(url, null);

                Map<String, String> rows = Migrations.pairs(sql, """
                        SELECT path_key, level || ' ' || hop_count || ' ' || other_paths || ' ' || coalesce(path -> 3 ->> 'dataset', '-')
                               || ' ' || detected_at FROM exposure WHERE model_id = 's'""");
                assertThat(rows).hasSize(4);
                // The key is the exposure's identity, as the service computes it; of the two paths to t0 the one first in
                // text order stands for both, detected when the first of them was.
                assertThat(rows.get(Exposure.keyOf("model:t0", ExposureLevel.SAME_INIT)))
                        .startsWith("SAME_INIT 2 1 d0a 2026-01-01");
                assertThat(rows.get(Exposure.keyOf("model:t1", ExposureLevel.SAME_INIT))).startsWith("SAME_INIT 1 0");
                assertThat(rows).containsKeys(Exposure.keyOf("dataset:web1", ExposureLevel.UNKNOWN),
                        Exposure.keyOf("dataset:web2", ExposureLevel.UNKNOWN));
            }
        }
    }

    @Test
    void v8MovesEveryRowIntoTheDefaultOrganisationAndKeysIdsPerOrganisation() throws SQLException {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start()) {
            String url = server.jdbcUrl(server.createDatabase("upgrade"));
            Migrations.migrate(url, "7");
            try (Connection db = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
                    Statement sql = db.createStatement()) {
                // A root, its fine-tune, a teacher on the same root, the teacher's numbers, a run of the fine-tune on
                // them, web data of unknown origin, an assertion and the fine-tune's exposure, as V7 stored them.
                sql.execute("""
                        INSERT INTO model (id, name, created_at) VALUES
                          ('r', 'r', now()), ('ft', 'ft', now()), ('t', 't', now()), ('r2', 'r2', now());
                        INSERT INTO model_base (model_id, base_id, relation, position) VALUES
                          ('ft', 'r', 'finetune', 0), ('t', 'r', 'finetune', 0);
                        INSERT INTO model_root (model_id, root_id, root_count) VALUES
                          ('r', 'r', 1), ('ft', 'r', 1), ('t', 'r', 1), ('r2', 'r2', 1);
                        INSERT INTO root_family_size (root_id, slot, members) VALUES ('r', 0, 3), ('r2', 5, 1);
                        INSERT INTO dataset (id, name, origin, generated_by, created_at) VALUES
                          ('nums', 'nums', 'model', 't', now()), ('web', 'web', 'unknown', NULL, now());
                        INSERT INTO training_run (id, output_model, method, created_at) VALUES ('run', 'ft', 'sft', now());
                        INSERT INTO training_run_dataset (run_id, dataset_id) VALUES ('run', 'nums'), ('run', 'web');
                        INSERT INTO shared_init_assertion (id, root_a, root_b, reason, asserted_by, created_at)
                        VALUES ('00000000-0000-0000-0000-000000000001', 'r', 'r2', 'same release', 'admin', now());
                        INSERT INTO exposure (model_id, path_key, level, trained_model, dataset_id, teacher_id, hop_count,
                                              path, detected_at, other_paths)
                        VALUES ('ft', repeat('a', 64), 'SAME_INIT', 'ft', 'nums', 't', 1,
                                '[{"model":"ft"},{"dataset":"nums","relation":"trained-on"},{"model":"t","relation":"generated-by"}]',
                                now(), 0)""");
                Migrations.insertEventsWithoutOrganization(sql);

                Migrations.migrate(url, null);

                // An exposure event waiting to be sent names the organisation its model moved into (the runner refuses one
                // without); a sent one is left as it was.
                assertThat(Migrations.eventOrganizations(sql)).containsExactlyInAnyOrderEntriesOf(
                        Map.of(Migrations.PENDING_EVENT, "default", Migrations.SENT_EVENT, "-"));
                for (String table : List.of("model", "model_base", "model_root", "root_family_size", "dataset", "training_run",
                        "training_run_dataset", "shared_init_assertion", "exposure")) {
                    assertThat(Migrations.pairs(sql, "SELECT organization, CAST(count(*) AS text) FROM " + table + " GROUP BY organization"))
                            .as(table).containsOnlyKeys("default");
                }
                assertThat(Migrations.pairs(sql, "SELECT model_id || '>' || base_id, base_organization FROM model_base"))
                        .containsExactlyInAnyOrderEntriesOf(Map.of("ft>r", "default", "t>r", "default"));
                assertThat(Migrations.pairs(sql, "SELECT id, coalesce(generator_organization, '-') FROM dataset"))
                        .containsExactlyInAnyOrderEntriesOf(Map.of("nums", "default", "web", "-"));
                assertThat(Migrations.pairs(sql, "SELECT dataset_id, dataset_organization FROM training_run_dataset"))
                        .containsExactlyInAnyOrderEntriesOf(Map.of("nums", "default", "web", "default"));
                assertThat(Migrations.pairs(sql, "SELECT root_id, CAST(sum(members) AS text) FROM root_family_size GROUP BY root_id"))
                        .containsExactlyInAnyOrderEntriesOf(Map.of("r", "3", "r2", "1"));
                assertThat(Migrations.pairs(sql, "SELECT model_id, CAST(path AS text) FROM exposure"))
                        .extractingByKey("ft").asString().contains("generated-by");

                // Ids are unique per organisation: another organisation may hold 'r' too, the same one may not.
                sql.execute("INSERT INTO model (organization, id, name, created_at) VALUES ('globex', 'r', 'r', now())");
                assertThatThrownBy(() -> sql.execute(
                        "INSERT INTO model (organization, id, name, created_at) VALUES ('default', 'r', 'r', now())"))
                        .hasMessageContaining("model_pkey");
                // A reference names its target's organisation, which must hold it, and be its own or the public one.
                assertThatThrownBy(() -> sql.execute("""
                        INSERT INTO model_base (organization, model_id, base_organization, base_id, relation, position)
                        VALUES ('default', 'r2', 'public', 'r', 'finetune', 0)""")).hasMessageContaining("foreign key");
                assertThatThrownBy(() -> sql.execute("""
                        INSERT INTO model_base (organization, model_id, base_organization, base_id, relation, position)
                        VALUES ('default', 'r2', 'globex', 'r', 'finetune', 0)""")).hasMessageContaining("check constraint");
            }
        }
    }
}
