package io.traittrace.report.rest;

import static io.restassured.RestAssured.given;
import static io.traittrace.report.rest.ReportApi.audit;
import static io.traittrace.report.rest.ReportApi.awaitCertificate;
import static io.traittrace.report.rest.ReportApi.cloudEvent;
import static io.traittrace.report.rest.ReportApi.publish;
import static io.traittrace.testsupport.Callers.as;
import static io.traittrace.testsupport.Callers.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.oneOf;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.traittrace.testsupport.Callers;
import io.traittrace.testsupport.KafkaResource;
import io.traittrace.testsupport.PostgresResource;
import io.traittrace.testsupport.TopicReader;
import io.traittrace.verifier.Canonical;

/**
 * The organisation boundary at the API and event level: acme and globex × every certificate route × every reader role.
 * Another organisation's certificate answers exactly as one that does not exist (404, same problem body); lists never
 * show it; verification stays public for both; what an audit-completed event causes happens in its organisation.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class OrganizationIsolationApiTest {

    private static final String ACME = Callers.ORGANIZATION;
    private static final String GLOBEX = Callers.OTHER_ORGANIZATION;
    private static final List<String> ORGANIZATIONS = List.of(ACME, GLOBEX);
    private static final List<String> READERS = List.of("viewer", "auditor", "admin", "registry-publisher");
    private static final String BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";

    /** One certificate per organisation, both for a model with the same id and digest (ids are unique per organisation only). */
    private static Map<String, String> certificates;
    private static String student;

    private static synchronized Map<String, String> certificates() throws InterruptedException {
        if (certificates == null) {
            student = id("shared-name");
            publish(student, cloudEvent(audit(id("audit"), student, ACME), id("e")), cloudEvent(audit(id("audit"), student, GLOBEX), id("e")));
            certificates = Map.of(ACME, awaitCertificate(student, 1, ACME), GLOBEX, awaitCertificate(student, 1, GLOBEX));
        }
        return certificates;
    }

    /** Every read route of one certificate, as a request from {@code caller}. */
    private static final Map<String, Function<String, Function<RequestSpecification, Response>>> READ_ROUTES = Map.of(
            "bundle", id -> r -> r.get("/api/certificates/" + id),
            "statement", id -> r -> r.get("/api/certificates/" + id + "/statement"),
            "model card", id -> r -> r.get("/api/certificates/" + id + "/model-card"),
            "MLflow tags", id -> r -> r.queryParam("format", "mlflow").get("/api/certificates/" + id + "/model-card"),
            "README patch", id -> r -> r.contentType("text/markdown").body("# model\n").post("/api/certificates/" + id + "/model-card/readme"));

    @Test
    void everyReadRouteServesTheCallersOwnCertificateAndAnswersAnotherOrganisationsAsNotFound() throws Exception {
        Map<String, String> certs = certificates();
        String unknown = "00000000-0000-0000-0000-000000000000";
        for (String callerOrg : ORGANIZATIONS) {
            for (String role : READERS) {
                for (var route : READ_ROUTES.entrySet()) {
                    for (String owner : ORGANIZATIONS) {
                        Response response = route.getValue().apply(certs.get(owner)).apply(as(role, callerOrg));
                        String what = role + " of " + callerOrg + ": " + route.getKey() + " of " + owner + "'s certificate";
                        if (owner.equals(callerOrg)) {
                            assertThat(response.statusCode()).as(what).isEqualTo(200);
                        } else {
                            // Exactly as an id that does not exist: same status, media type and problem body.
                            Response missing = route.getValue().apply(unknown).apply(as(role, callerOrg));
                            assertThat(response.statusCode()).as(what).isEqualTo(404);
                            assertThat(response.contentType()).as(what).isEqualTo(missing.contentType()).startsWith("application/problem+json");
                            assertThat(response.asString().replace(certs.get(owner), unknown)).as(what).isEqualTo(missing.asString());
                        }
                    }
                }
            }
        }
    }

    @Test
    void listsShowOnlyTheCallersOrganisation() throws Exception {
        Map<String, String> certs = certificates();
        String digest = audit("x", "x").at("/student/digest").asText();
        for (String callerOrg : ORGANIZATIONS) {
            String other = callerOrg.equals(ACME) ? GLOBEX : ACME;
            for (String role : READERS) {
                // The same model id in both organisations: each sees its own certificate only.
                as(role, callerOrg).queryParam("model", student).get("/api/certificates").then().statusCode(200)
                        .body("total", equalTo(1)).body("items[0].id", equalTo(certs.get(callerOrg)))
                        .body("items[0].organization", equalTo(callerOrg));
                as(role, callerOrg).queryParam("model", "org/" + student).get("/api/certificates").then().statusCode(200)
                        .body("total", equalTo(1)).body("items[0].id", equalTo(certs.get(callerOrg)));
                as(role, callerOrg).queryParam("subject", digest).queryParam("size", 200).get("/api/certificates").then().statusCode(200)
                        .body("items.id", hasItem(certs.get(callerOrg))).body("items.id", not(hasItem(certs.get(other))))
                        .body("items.organization", everyItem(oneOf(callerOrg, "public")));
                as(role, callerOrg).queryParam("size", 200).get("/api/certificates").then().statusCode(200)
                        .body("items.id", not(hasItem(certs.get(other))))
                        .body("items.organization", everyItem(oneOf(callerOrg, "public")));
            }
        }
    }

    @Test
    void verificationIsPublicForEveryOrganisationsCertificates() throws Exception {
        for (String owner : ORGANIZATIONS) {
            String bundle = as("viewer", owner).get("/api/certificates/" + certificates().get(owner)).then().statusCode(200).extract().asString();
            given().contentType(BUNDLE).body(bundle).post("/api/certificates/verify").then().statusCode(200).body("valid", equalTo(true));
            // The signed statement says whom it was issued for; verifying does not depend on it.
            JsonNode statement = Canonical.JSON.readTree(java.util.Base64.getDecoder().decode(
                    Canonical.JSON.readTree(bundle).at("/dsseEnvelope/payload").asText()));
            assertThat(statement.at("/predicate/certificate/organization").asText()).isEqualTo(owner);
        }
    }

    @Test
    void onlyAnAdminOfTheCertificatesOrganisationRevokesIt() throws Exception {
        String model = id("revocable");
        publish(model, cloudEvent(audit(id("audit"), model, GLOBEX), id("e")));
        String cert = awaitCertificate(model, 1, GLOBEX);
        Response unknown = as("admin", ACME).body(Map.of("reason", "not yours")).post("/api/certificates/00000000-0000-0000-0000-000000000000/revoke");
        Response across = as("admin", ACME).body(Map.of("reason", "not yours")).post("/api/certificates/" + cert + "/revoke");
        assertThat(across.statusCode()).isEqualTo(404);
        assertThat(across.asString().replace(cert, "00000000-0000-0000-0000-000000000000")).isEqualTo(unknown.asString());
        as("viewer", GLOBEX).queryParam("model", model).get("/api/certificates").then().body("items[0].revoked", equalTo(false));

        // An admin of acme who is only a viewer of globex reads globex's certificate and may not revoke it.
        String consultant = Callers.token(id("consultant"), Set.of(), Map.of(ACME, Set.of("admin"), GLOBEX, Set.of("viewer")));
        given().auth().oauth2(consultant).header("TraitTrace-Organization", GLOBEX).get("/api/certificates/" + cert).then()
                .statusCode(200);
        given().auth().oauth2(consultant).header("TraitTrace-Organization", GLOBEX).contentType(ContentType.JSON)
                .body(Map.of("reason", "not my role here")).post("/api/certificates/" + cert + "/revoke").then().statusCode(403)
                .body("title", equalTo("Forbidden"));
        as("admin", GLOBEX).body(Map.of("reason", "globex's own decision")).post("/api/certificates/" + cert + "/revoke").then()
                .statusCode(200).body("revokedBy", equalTo("globex-admin"));
        as("viewer", GLOBEX).queryParam("model", model).get("/api/certificates").then().body("items[0].revoked", equalTo(true));
        try (TopicReader reader = new TopicReader("certificate-revoked")) {
            JsonNode event = Canonical.JSON.readTree(reader.awaitMatching(r -> cert.equals(r.key()), 1, Duration.ofSeconds(20)).get(0).value());
            assertThat(event.at("/data/organization").asText()).isEqualTo(GLOBEX);
        }
    }

    @Test
    void anAuditCompletedEventIsCertifiedInItsOrganisationAndAnnouncedWithIt() throws Exception {
        String model = id("globex-model");
        publish(model, cloudEvent(audit(id("audit"), model, GLOBEX), id("e")));
        String cert = awaitCertificate(model, 1, GLOBEX);
        as("viewer", ACME).queryParam("model", model).get("/api/certificates").then().statusCode(200).body("total", equalTo(0));
        as("viewer", ACME).get("/api/certificates/" + cert).then().statusCode(404);
        try (TopicReader reader = new TopicReader("certificate-issued")) {
            JsonNode event = Canonical.JSON.readTree(reader.awaitMatching(r -> cert.equals(r.key()), 1, Duration.ofSeconds(20)).get(0).value());
            assertThat(event.at("/data/organization").asText()).isEqualTo(GLOBEX);
        }
    }

    @Test
    void anEventWithoutAValidOrganisationIsRefusedNeverDefaulted() throws Exception {
        String missing = id("no-org");
        ObjectNode noOrganization = audit(id("audit"), missing);
        noOrganization.remove("organization");
        String invalid = id("bad-org");
        ObjectNode badOrganization = audit(id("audit"), invalid, "Not An Alias");
        String good = id("after");
        // One key, one partition: once the last is certified, the two before it were handled.
        publish("same-key", cloudEvent(noOrganization, id("e")), cloudEvent(badOrganization, id("e")),
                cloudEvent(audit(id("audit"), good, ACME), id("e")));
        awaitCertificate(good, 1, ACME);
        for (String org : List.of(ACME, GLOBEX, "default")) {
            for (String model : List.of(missing, invalid)) {
                as("viewer", org).queryParam("model", model).get("/api/certificates").then().statusCode(200).body("total", equalTo(0));
            }
        }
    }

    @Test
    void thePublicCataloguesCertificatesAreReadByEveryOrganisationAndRevokedByNone() throws Exception {
        String base = id("public-base");
        publish(base, cloudEvent(audit(id("audit"), base, "public"), id("e")));
        String cert = awaitCertificate(base, 1, ACME);
        assertThat(awaitCertificate(base, 1, GLOBEX)).isEqualTo(cert);
        as("viewer", GLOBEX).get("/api/certificates/" + cert + "/statement").then().statusCode(200);
        // Reading is not owning: an organisation's admin writes its own certificates only.
        as("admin", ACME).body(Map.of("reason", "x")).post("/api/certificates/" + cert + "/revoke").then().statusCode(404);
    }

    @Test
    void aRegistryPublisherActsForTheOrganisationItBelongsToOrNames() throws Exception {
        Map<String, String> certs = certificates();
        String inNone = Callers.token("registry-publisher-sa", Set.of("registry-publisher"), List.of());
        given().auth().oauth2(inNone).get("/api/certificates/" + certs.get(ACME)).then().statusCode(403)
                .contentType("application/problem+json");
        // Whom it acts for is settled before anything is looked up or validated.
        given().auth().oauth2(inNone).get("/api/certificates/not-a-uuid").then().statusCode(403);
        given().auth().oauth2(inNone).queryParam("verdict", "PASS").get("/api/certificates").then().statusCode(403);
        given().auth().oauth2(inNone).get("/api/registries").then().statusCode(403);
        // A client serving both organisations names the one each call is for.
        String both = Callers.token("registry-publisher-both", Set.of("registry-publisher"), ORGANIZATIONS);
        given().auth().oauth2(both).get("/api/certificates/" + certs.get(GLOBEX)).then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(both).header("TraitTrace-Organization", GLOBEX).get("/api/certificates/" + certs.get(GLOBEX)).then()
                .statusCode(200);
        given().auth().oauth2(both).header("TraitTrace-Organization", GLOBEX).get("/api/certificates/" + certs.get(ACME)).then()
                .statusCode(404);
        given().auth().oauth2(Callers.token("registry-publisher")).header("TraitTrace-Organization", GLOBEX)
                .get("/api/certificates/" + certs.get(GLOBEX)).then().statusCode(403);
    }

    @Test
    void eachOrganisationSeesItsOwnRegistryTargetsOnly() {
        for (String role : READERS) {
            as(role, ACME).get("/api/registries").then().statusCode(200).body("organization", equalTo(ACME))
                    .body("targets.kind", equalTo(List.of("mlflow", "webhook")))
                    .body("targets.find { it.kind == 'webhook' }.acceptedScopes", equalTo(List.of("subject-evaluated", "pipeline-check")));
            as(role, GLOBEX).get("/api/registries").then().statusCode(200).body("organization", equalTo(GLOBEX))
                    .body("targets.kind", equalTo(List.of("mlflow", "webhook")))
                    .body("targets.find { it.kind == 'webhook' }.acceptedScopes", equalTo(List.of("subject-evaluated")));
            // An organisation without targets publishes nowhere, and is told so.
            as(role, "initech").get("/api/registries").then().statusCode(200).body("organization", equalTo("initech"))
                    .body("targets", equalTo(List.of()));
        }
        String body = as("admin", ACME).get("/api/registries").then().extract().asString();
        assertThat(body).doesNotContain("token").doesNotContain("secret").doesNotContain("http");
    }
}
