package io.traittrace.audit.rest;

import static io.restassured.RestAssured.given;
import static io.traittrace.audit.rest.RunnerApi.canary;
import static io.traittrace.audit.rest.RunnerApi.lineage;
import static io.traittrace.testsupport.Callers.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.quarkus.test.oidc.server.OidcWireMock;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.audit.executor.JobSpecs;
import io.traittrace.events.EventType;
import io.traittrace.testsupport.Callers;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;

/**
 * The organisation boundary at the runner's API: two organisations (acme, globex) × every route × viewer, auditor and
 * admin; per-organisation quotas, refused before anything is created and binding on admins too; the quota API's roles.
 * The Kubernetes executor runs against the test server (Jobs never start, so audits stay RUNNING), with a Kueue queue per
 * organisation. The profile is {@link QuotaApiTest}'s, so both classes share one application.
 */
@QuarkusTest
@TestProfile(QuotaApiTest.SmallQuotas.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class OrganizationApiTest {

    static final String ACME = Callers.ORGANIZATION;
    static final String GLOBEX = Callers.OTHER_ORGANIZATION;
    static final List<String> ROLES = List.of("viewer", "auditor", "admin");

    @KubernetesTestServer
    KubernetesServer kubernetes;

    @OidcWireMock
    WireMockServer wiremock;

    @Inject
    DataSource database;

    @Test
    void eachOrganisationSeesAndActsOnItsOwnAuditsOnly() throws Exception {
        // One student id in both organisations: lineage resolves it per organisation; the runner keeps the audits apart.
        String student = id("student");
        lineage(wiremock, student, null, null);
        Map<String, String> audits = Map.of(ACME, submit(caller(ACME, "auditor"), canary(id("key"), student, 3)),
                GLOBEX, submit(caller(GLOBEX, "auditor"), canary(id("key"), student, 3)));
        String unknown = java.util.UUID.randomUUID().toString();

        for (String org : List.of(ACME, GLOBEX)) {
            String other = org.equals(ACME) ? GLOBEX : ACME;
            String own = audits.get(org);
            String theirs = audits.get(other);
            for (String role : ROLES) {
                String token = Callers.token(id(org + "-" + role), Set.of(role), List.of(org));
                Supplier<RequestSpecification> as = () -> given().auth().oauth2(token).contentType(ContentType.JSON);
                String who = org + " " + role;
                as.get().get("/api/audits/" + own).then().statusCode(200).body("organization", equalTo(org));
                // Another organisation's audit is exactly an unknown one: same status, same problem shape.
                JsonPath hidden = as.get().get("/api/audits/" + theirs).then().statusCode(404).contentType("application/problem+json").extract().jsonPath();
                JsonPath missing = as.get().get("/api/audits/" + unknown).then().statusCode(404).extract().jsonPath();
                assertThat(hidden.getMap("$").keySet()).as(who).isEqualTo(missing.getMap("$").keySet());
                assertThat(hidden.getString("title")).isEqualTo(missing.getString("title"));
                assertThat(hidden.getString("detail")).isEqualTo(missing.getString("detail").replace(unknown, theirs));
                as.get().accept("text/event-stream").get("/api/audits/" + theirs + "/events").then().statusCode(404);

                JsonPath byStudent = as.get().queryParam("student", student).get("/api/audits").then().statusCode(200).extract().jsonPath();
                assertThat(byStudent.getList("items.id", String.class)).as(who).contains(own).doesNotContain(theirs);
                assertThat(byStudent.getList("items.organization", String.class)).as(who).containsOnly(org);
                JsonPath all = as.get().queryParam("size", 200).get("/api/audits").then().statusCode(200).extract().jsonPath();
                assertThat(all.getList("items.organization", String.class)).as(who).isNotEmpty().containsOnly(org);

                int cancel = as.get().post("/api/audits/" + theirs + "/cancel").then().extract().statusCode();
                int submit = as.get().body(canary(id("key"), student, 3).toString()).post("/api/audits").then().extract().statusCode();
                if (role.equals("viewer")) {
                    assertThat(cancel).as(who + " cancels").isEqualTo(403);
                    assertThat(submit).as(who + " submits").isEqualTo(403);
                } else {
                    assertThat(cancel).as(who + " cancels another organisation's audit").isEqualTo(404);
                    assertThat(submit).as(who + " submits").isEqualTo(202);
                }
            }
        }
        // Nothing another organisation tried changed either audit.
        for (String org : List.of(ACME, GLOBEX)) {
            caller(org, "viewer").get("/api/audits/" + audits.get(org)).then().statusCode(200).body("state", equalTo("RUNNING"));
        }

        // Each organisation's Jobs wait in its own Kueue queue and say whose they are.
        for (String org : List.of(ACME, GLOBEX)) {
            List<Job> jobs = awaitJobs(audits.get(org), 3);
            assertThat(jobs).allSatisfy(job -> {
                assertThat(job.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "traittrace-" + org)
                        .containsEntry(JobSpecs.LABEL_ORGANIZATION, org);
                assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(JobSpecs.LABEL_ORGANIZATION, org);
                assertThat(job.getSpec().getSuspend()).isTrue();
            });
            // The student was looked up as the audit's organisation.
            wiremock.verify(WireMock.getRequestedFor(WireMock.urlEqualTo("/auth/lineage/api/lineage/models/" + student))
                    .withHeader(Organizations.HEADER, WireMock.equalTo(org)));
            // Announced as the organisation's.
            JsonNode requested = event("audit-requested", audits.get(org));
            assertThat(EventType.AUDIT_REQUESTED.problems(requested)).isEmpty();
            assertThat(requested.at("/data/organization").asText()).isEqualTo(org);
        }

        // Its own organisation's admin cancels it; the stream of an ended audit answers at once.
        caller(ACME, "admin").post("/api/audits/" + audits.get(ACME) + "/cancel").then().statusCode(200).body("state", equalTo("CANCELLED"));
        caller(ACME, "viewer").accept("text/event-stream").get("/api/audits/" + audits.get(ACME) + "/events").then().statusCode(200)
                .body(containsString("CANCELLED"));
        JsonNode failed = event("audit-failed", audits.get(ACME));
        assertThat(EventType.AUDIT_FAILED.problems(failed)).isEmpty();
        assertThat(failed.at("/data/organization").asText()).isEqualTo(ACME);
        caller(GLOBEX, "admin").post("/api/audits/" + audits.get(GLOBEX) + "/cancel").then().statusCode(200);
    }

    @Test
    void idempotencyKeysAreTheRequestersOwnInEachOrganisation() {
        String student = id("student");
        lineage(wiremock, student, null, null);
        String both = id("consultant");
        String token = Callers.token(both, Set.of("auditor"), List.of(ACME, GLOBEX));
        ObjectNode request = canary(id("key"), student, 3);

        // A member of several organisations names the one it acts for.
        given().auth().oauth2(token).contentType(ContentType.JSON).body(request.toString()).post("/api/audits").then().statusCode(400)
                .body("title", equalTo("Organisation required"));
        given().auth().oauth2(token).header(Organizations.HEADER, "initech").contentType(ContentType.JSON).body(request.toString())
                .post("/api/audits").then().statusCode(403);
        String inAcme = submit(acting(token, ACME), request);
        String inGlobex = submit(acting(token, GLOBEX), request);
        assertThat(inGlobex).isNotEqualTo(inAcme);
        acting(token, ACME).body(request.toString()).post("/api/audits").then().statusCode(202).header("Idempotent-Replayed", "true")
                .body("id", equalTo(inAcme)).body("organization", equalTo(ACME));
        acting(token, GLOBEX).get("/api/audits/" + inAcme).then().statusCode(404);
        for (String id : List.of(inAcme, inGlobex)) {
            String org = id.equals(inAcme) ? ACME : GLOBEX;
            acting(token, org).post("/api/audits/" + id + "/cancel").then().statusCode(200);
        }
    }

    @Test
    void aCallerMayDoInEachOrganisationWhatItsRoleThereAllows() {
        String student = id("student");
        lineage(wiremock, student, null, null);
        // An admin of acme who is only a viewer of globex (Keycloak groups /organizations/ALIAS/ROLE).
        String token = Callers.token(id("consultant"), Set.of(), Map.of(ACME, Set.of("admin"), GLOBEX, Set.of("viewer")));
        ObjectNode request = canary(id("key"), student, 3);
        long before = rows();
        acting(token, GLOBEX).body(request.toString()).post("/api/audits").then().statusCode(403).body("title", equalTo("Forbidden"));
        assertThat(rows()).as("a refused audit creates nothing").isEqualTo(before);
        String inAcme = submit(acting(token, ACME), request);
        String globexAuditor = Callers.token(id("globex-auditor"), Set.of("auditor"), List.of(GLOBEX));
        String inGlobex = submit(acting(globexAuditor, GLOBEX), canary(id("key"), student, 3));
        acting(token, GLOBEX).get("/api/audits/" + inGlobex).then().statusCode(200);
        acting(token, GLOBEX).post("/api/audits/" + inGlobex + "/cancel").then().statusCode(403);
        acting(token, ACME).post("/api/audits/" + inAcme + "/cancel").then().statusCode(200);
        acting(globexAuditor, GLOBEX).post("/api/audits/" + inGlobex + "/cancel").then().statusCode(200);
    }

    @Test
    void anOrganisationsAuditsInFlightAreCappedForEveryoneInItAdminsTooAndARefusalCreatesNothing() {
        String org = organisation();
        String student = id("student");
        lineage(wiremock, student, null, null);
        setQuota(org, "{\"maxAuditsInFlight\": 2, \"gpuHoursPerPeriod\": null}").then().statusCode(200)
                .body("limits.maxAuditsInFlight", equalTo(2)).body("overrides.maxAuditsInFlight", equalTo(2));
        String first = submit(caller(org, "auditor"), canary(id("key"), student, 3));
        submit(caller(org, "auditor"), canary(id("key"), student, 3));

        long before = rows();
        for (String role : List.of("auditor", "admin")) {
            String key = id("key");
            caller(org, role).body(canary(key, student, 3).toString()).post("/api/audits").then().statusCode(429)
                    .contentType("application/problem+json").body("title", equalTo("Quota exceeded"))
                    .body("detail", containsString("organisation '" + org + "' has 2 audits in flight"))
                    .body("errors", hasItem("organization.max-audits-in-flight: 2 of 2 audits in flight"))
                    .header("Retry-After", nullValue());
            assertThat(count("SELECT count(*) FROM audit WHERE idempotency_key = ?", key)).isZero();
        }
        assertThat(rows()).as("audits, runs and events").isEqualTo(before);
        platformAdmin().get("/api/organizations/" + org + "/quota").then().statusCode(200).body("usage.auditsInFlight", equalTo(2));

        // Another organisation is not held by it; one ending makes room.
        submit(caller(organisation(), "auditor"), canary(id("key"), student, 3));
        caller(org, "admin").post("/api/audits/" + first + "/cancel").then().statusCode(200);
        submit(caller(org, "auditor"), canary(id("key"), student, 3));
    }

    @Test
    void anOrganisationsGpuHoursPerPeriodAreReservedForEveryoneInIt() {
        String org = organisation();
        String student = id("student");
        lineage(wiremock, student, null, null);
        setQuota(org, "{\"gpuHoursPerPeriod\": 8}").then().statusCode(200).body("limits.gpuHoursPerPeriod", equalTo(8.0f));
        // 3 arms × 2 seeds × 1 GPU × 1 h = 6 of the organisation's 8 GPU-hours.
        submit(caller(org, "auditor"), QuotaApiTest.imageAudit(id("key"), student, 2, 1, 3600));

        long before = rows();
        for (String role : List.of("auditor", "admin")) {
            String key = id("key");
            Response refused = caller(org, role).body(QuotaApiTest.imageAudit(key, student, 2, 1, 3600).toString()).post("/api/audits").then()
                    .statusCode(429).body("detail", containsString("organisation '" + org + "' has reserved 6 of its 8 GPU-hours in the last PT168H"))
                    .body("errors", hasItem("organization.gpu-hours-per-period: 6 reserved + 6 requested > 8")).extract().response();
            // The reservation leaves the period (7 days) after it was made.
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(604_800L - 120, 604_800L);
            assertThat(count("SELECT count(*) FROM audit WHERE idempotency_key = ?", key)).isZero();
        }
        // More than the whole period alone: no wait helps, a 400, for an admin too (who is exempt from the caller quotas only).
        caller(org, "admin").body(QuotaApiTest.imageAudit(id("key"), student, 4, 1, 3600).toString()).post("/api/audits").then().statusCode(400)
                .body("errors", hasItem(containsString("resources: this audit alone reserves 12 GPU-hours (12 runs × 1 GPUs × a deadline of 1 h),"
                        + " more than the 8 GPU-hours organisation '" + org + "' may reserve in PT168H")));
        assertThat(rows()).isEqualTo(before);
        // What still fits is taken: 6 runs × 1 GPU × 20 min = 2 GPU-hours, 8 of 8.
        submit(caller(org, "auditor"), QuotaApiTest.imageAudit(id("key"), student, 2, 1, 1200));
        platformAdmin().get("/api/organizations/" + org + "/quota").then().statusCode(200).body("usage.gpuHoursReserved", equalTo(8.0f));
    }

    /** Concurrent requests of different callers in one organisation cannot overshoot it: the check and insert share its lock. */
    @Test
    void concurrentRequestsInOneOrganisationCannotOvershootItsQuota() throws Exception {
        String org = organisation();
        String student = id("student");
        lineage(wiremock, student, null, null);
        setQuota(org, "{\"maxAuditsInFlight\": 2}").then().statusCode(200);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ObjectNode request = canary(id("key"), student, 3);
                RequestSpecification as = caller(org, "auditor");
                answers.add(pool.submit((Callable<Integer>) () -> as.body(request.toString()).post("/api/audits").statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
            assertThat(statuses).as("answers").containsOnly(202, 429).filteredOn(status -> status == 202).hasSize(2);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("SELECT count(*) FROM audit WHERE organization = ?", org)).isEqualTo(2);
    }

    @Test
    void aPlatformAdminManagesQuotasAnOrganisationsAdminReadsItsOwn() {
        String org = organisation();
        // Defaults (the test profile's) until a platform admin overrides them.
        platformAdmin().get("/api/organizations/" + org + "/quota").then().statusCode(200).body("organization", equalTo(org))
                .body("limits.maxAuditsInFlight", equalTo(100000)).body("limits.period", equalTo("PT168H"))
                .body("overrides.maxAuditsInFlight", nullValue()).body("usage.auditsInFlight", equalTo(0));
        caller(org, "admin").get("/api/organizations/" + org + "/quota").then().statusCode(200).body("organization", equalTo(org));
        for (String role : List.of("viewer", "auditor")) {
            caller(org, role).get("/api/organizations/" + org + "/quota").then().statusCode(403);
        }
        // Another organisation's quota is not there for an organisation admin.
        String other = organisation();
        JsonPath hidden = caller(org, "admin").get("/api/organizations/" + other + "/quota").then().statusCode(404)
                .contentType("application/problem+json").extract().jsonPath();
        assertThat(hidden.getString("detail")).isEqualTo("organisation '" + other + "' does not exist");
        // Only a platform admin sets one.
        for (String role : ROLES) {
            caller(org, role).body("{\"maxAuditsInFlight\": 5}").put("/api/organizations/" + org + "/quota").then().statusCode(403);
        }
        given().contentType(ContentType.JSON).body("{\"maxAuditsInFlight\": 5}").put("/api/organizations/" + org + "/quota").then().statusCode(401);
        for (String bad : List.of("{\"maxAuditsInFlight\": -1}", "{\"gpuHoursPerPeriod\": -0.5}", "{\"gpuHoursPerPeriod\": \"lots\"}",
                "{\"maxAuditsInFlight\": 5, \"period\": \"P1D\"}", "{\"maxAuditsInFlight\": 2000000}", "[]", "not json")) {
            Response answer = platformAdmin().body(bad).put("/api/organizations/" + org + "/quota");
            assertThat(answer.statusCode()).as(bad).isEqualTo(400);
            assertThat(answer.contentType()).as(bad).startsWith("application/problem+json");
        }
        platformAdmin().body("{\"maxAuditsInFlight\": 5}").put("/api/organizations/Not_An_Org/quota").then().statusCode(404);
        assertThat(count("SELECT count(*) FROM organization_quota WHERE organization = ?", org)).isZero();

        setQuota(org, "{\"maxAuditsInFlight\": 5, \"gpuHoursPerPeriod\": 12.5}").then().statusCode(200)
                .body("limits.maxAuditsInFlight", equalTo(5)).body("limits.gpuHoursPerPeriod", equalTo(12.5f))
                .body("defaults.maxAuditsInFlight", equalTo(100000)).body("updatedBy", containsString("platform"));
        caller(org, "admin").get("/api/organizations/" + org + "/quota").then().statusCode(200).body("limits.maxAuditsInFlight", equalTo(5));
        platformAdmin().get("/api/organizations/" + other + "/quota").then().statusCode(200).body("limits.maxAuditsInFlight", equalTo(100000));
        // Left out: back to the default.
        setQuota(org, "{}").then().statusCode(200).body("limits.maxAuditsInFlight", equalTo(100000)).body("overrides.gpuHoursPerPeriod", nullValue());
    }

    // --- callers ---

    /** A caller of its own (so the caller quotas of the profile never interfere) holding {@code role} in {@code org} only. */
    private static RequestSpecification caller(String org, String role) {
        return given().auth().oauth2(Callers.token(id(org + "-" + role), Set.of(role), List.of(org))).contentType(ContentType.JSON);
    }

    private static RequestSpecification acting(String token, String org) {
        return given().auth().oauth2(token).header(Organizations.HEADER, org).contentType(ContentType.JSON);
    }

    /** A platform admin: a member of no organisation. */
    private static RequestSpecification platformAdmin() {
        return given().auth().oauth2(Callers.token(id("platform"), Set.of("platform-admin"), List.of())).contentType(ContentType.JSON);
    }

    private static Response setQuota(String org, String body) {
        return platformAdmin().body(body).put("/api/organizations/" + org + "/quota");
    }

    /** A fresh organisation alias. */
    private static String organisation() {
        return id("org");
    }

    private static String submit(RequestSpecification as, ObjectNode request) {
        return as.body(request.toString()).post("/api/audits").then().log().ifValidationFails().statusCode(202).extract().path("id");
    }

    // --- what exists ---

    /** Audits, runs and outbox events: everything a refused request must not have created. */
    private long rows() {
        return count("SELECT (SELECT count(*) FROM audit) + (SELECT count(*) FROM audit_run) + (SELECT count(*) FROM outbox_event)");
    }

    private JsonNode event(String topic, String auditId) throws Exception {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> count("SELECT count(*) FROM outbox_event WHERE topic = ? AND event_key = ?", topic, auditId) == 1);
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT payload FROM outbox_event WHERE topic = ? AND event_key = ?")) {
            statement.setString(1, topic);
            statement.setString(2, auditId);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return RunnerApi.JSON.readTree(rows.getString(1));
            }
        }
    }

    private long count(String sql, Object... parameters) {
        try (Connection connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Job> awaitJobs(String auditId, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> jobsOf(auditId).size() == count);
        return jobsOf(auditId);
    }

    private List<Job> jobsOf(String auditId) {
        return kubernetes.getClient().batch().v1().jobs().inNamespace(QuotaApiTest.NAMESPACE).withLabel(JobSpecs.LABEL_AUDIT_ID, auditId).list()
                .getItems();
    }
}
