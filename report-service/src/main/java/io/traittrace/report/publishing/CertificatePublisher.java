package io.traittrace.report.publishing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.events.EventType;
import io.traittrace.report.repository.CertificateEntity;
import io.traittrace.report.service.CertificateMetrics;
import io.traittrace.report.service.CertificateService;
import io.traittrace.report.service.ModelCards;
import io.traittrace.verifier.Statements;

/**
 * Pushes each issued certificate, and each revocation, to its own organisation's registries, driven by our own
 * {@code certificate-issued} and {@code certificate-revoked} topics (its own consumer group): delivery is at least once,
 * survives restarts, and a registry outage only delays it. The event names the organisation; the certificate is looked
 * up in it and published only to that organisation's targets ({@link RegistryTargets}); an organisation without
 * targets publishes nowhere (counted as {@code no-target}). Each target takes only the scope classes its configuration
 * accepts (by default subject-evaluated: a self-attested or pipeline-check certificate is not a finding about the
 * model). MLflow: one set-tag call per tag on the model version the student URI names, re-set on revocation so that
 * {@code traittrace.revoked} turns true. Webhook: the CloudEvent itself, HMAC-signed. Calls retry with backoff; an
 * event that still fails goes to {@code certificate-publish-dlq}.
 */
@ApplicationScoped
public class CertificatePublisher {

    public static final String CHANNEL = "certificate-publish";
    private static final Logger LOG = Logger.getLogger(CertificatePublisher.class);
    private static final Pattern MLFLOW_URI = Pattern.compile("^(?:models:|mlflow:/)/([^/@]+)[/@]([^/@]+)$");

    private final RegistryTargets targets;
    private final CertificateService certificates;
    private final CertificateMetrics metrics;
    private final ModelCards cards;
    private final ObjectMapper mapper;

    public CertificatePublisher(RegistryTargets targets, CertificateService certificates, CertificateMetrics metrics, ModelCards cards,
            ObjectMapper mapper) {
        this.targets = targets;
        this.certificates = certificates;
        this.metrics = metrics;
        this.cards = cards;
        this.mapper = mapper;
    }

    /** {@code models:/NAME/VERSION}, {@code mlflow://NAME/VERSION} (or {@code @VERSION}) → name and version. */
    public static Optional<String[]> mlflowModelVersion(String uri) {
        if (uri == null) {
            return Optional.empty();
        }
        Matcher m = MLFLOW_URI.matcher(uri.trim());
        return m.matches() ? Optional.of(new String[] { m.group(1), m.group(2) }) : Optional.empty();
    }

    @Incoming(CHANNEL)
    public Uni<Void> publish(String payload) {
        JsonNode event;
        try {
            event = mapper.readTree(payload);
        } catch (Exception e) {
            LOG.warnf("Skipping a certificate record that is not JSON: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        String type = event.path("type").asText();
        if (!EventType.CERTIFICATE_ISSUED.type().equals(type) && !EventType.CERTIFICATE_REVOKED.type().equals(type)) {
            return Uni.createFrom().voidItem();
        }
        UUID id = UUID.fromString(event.at("/data/certificateId").asText());
        JsonNode organization = event.at("/data/organization");
        Uni<CertificateEntity> certificate;
        if (organization.isMissingNode()) {
            // Written before events named their organisation (still on the topic at the upgrade): the certificate's own.
            certificate = certificates.getAnnouncedWithoutOrganization(id);
        } else if (Organizations.isAlias(organization.asText(null))) {
            certificate = certificates.get(id, organization.asText());
        } else {
            LOG.warnf("Skipping certificate event %s: its organisation is not an alias, so it is published nowhere", event.path("id").asText());
            return Uni.createFrom().voidItem();
        }
        return certificate
                .chain(c -> mlflow(c).chain(() -> webhook(c, event.path("id").asText(), payload)));
    }

    private static boolean accepted(List<String> scopes, CertificateEntity c) {
        // Certificates issued before scopes were stated have none, and no registry takes them on trust.
        return c.scopeClass != null && scopes.contains(c.scopeClass);
    }

    private Uni<Void> mlflow(CertificateEntity c) {
        Optional<RegistryTargets.Mlflow> configured = targets.mlflow(c.organization);
        if (configured.isEmpty()) {
            metrics.published("mlflow", "no-target");
            return Uni.createFrom().voidItem();
        }
        RegistryTargets.Mlflow mlflow = configured.get();
        if (!accepted(mlflow.acceptedScopes(), c)) {
            LOG.infof("Certificate %s (scope %s) is not tagged on MLflow: organisation %s's server accepts %s", c.id, c.scopeClass,
                    c.organization, mlflow.acceptedScopes());
            metrics.published("mlflow", "not-accepted");
            return Uni.createFrom().voidItem();
        }
        String uri;
        try {
            JsonNode statement = mapper.readTree(c.statement);
            if (Statements.PIPELINE_CHECK_PREDICATE_TYPE.equals(statement.path("predicateType").asText())) {
                // A pipeline check says nothing about the model it was requested for: never tag that model's version with it.
                LOG.debugf("Certificate %s is a pipeline check; no MLflow tags set on model %s", c.id, c.modelName);
                metrics.published("mlflow", "not-applicable");
                return Uni.createFrom().voidItem();
            }
            uri = statement.at("/predicate/student/uri").asText(null);
        } catch (Exception e) {
            return Uni.createFrom().failure(e);
        }
        Optional<String[]> target = mlflowModelVersion(uri);
        if (target.isEmpty()) {
            LOG.debugf("Certificate %s: student URI %s names no MLflow model version; no tags set", c.id, uri);
            metrics.published("mlflow", "not-applicable");
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().item(mlflow::authorization)
                .chain(authorization -> Multi.createFrom().iterable(cards.mlflowTags(c))
                        .onItem().transformToUniAndConcatenate(tag -> mlflow.setTag(authorization,
                                new MlflowClient.SetTag(target.get()[0], target.get()[1], tag.key(), tag.value())))
                        .collect().last())
                .invoke(() -> {
                    LOG.infof("Certificate %s%s tagged on organisation %s's MLflow model %s version %s", c.id,
                            c.revokedAt == null ? "" : " (revoked)", c.organization, target.get()[0], target.get()[1]);
                    metrics.published("mlflow", "published");
                })
                .replaceWithVoid();
    }

    private Uni<Void> webhook(CertificateEntity c, String eventId, String body) {
        Optional<RegistryTargets.Webhook> configured = targets.webhook(c.organization);
        if (configured.isEmpty()) {
            metrics.published("webhook", "no-target");
            return Uni.createFrom().voidItem();
        }
        if (!accepted(configured.get().acceptedScopes(), c)) {
            metrics.published("webhook", "not-accepted");
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().deferred(() -> configured.get().deliver(eventId, body, Long.toString(Instant.now().getEpochSecond())))
                .invoke(() -> metrics.published("webhook", "published"));
    }
}
