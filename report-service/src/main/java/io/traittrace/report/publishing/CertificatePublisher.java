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
import io.traittrace.report.config.ReportConfig;
import io.traittrace.report.domain.Statements;
import io.traittrace.report.messaging.CertificateEvents;
import io.traittrace.report.repository.CertificateEntity;
import io.traittrace.report.service.CertificateService;
import io.traittrace.report.service.ModelCards;

/**
 * Pushes each issued certificate, and each revocation, to the configured registries, driven by our own
 * {@code certificate-issued} and {@code certificate-revoked} topics (its own consumer group): delivery is at least once,
 * survives restarts, and a registry outage only delays it. Each registry takes only the scope classes its configuration
 * accepts (by default subject-evaluated: a self-attested or pipeline-check certificate is not a finding about the model).
 * MLflow: one set-tag call per tag on the model version the student URI names, re-set on revocation so that
 * {@code traittrace.revoked} turns true. Webhook: the CloudEvent itself, HMAC-signed. Calls retry with backoff (see
 * {@link RegistryCalls}); an event that still fails goes to {@code certificate-publish-dlq}.
 */
@ApplicationScoped
public class CertificatePublisher {

    public static final String CHANNEL = "certificate-publish";
    private static final Logger LOG = Logger.getLogger(CertificatePublisher.class);
    private static final Pattern MLFLOW_URI = Pattern.compile("^(?:models:|mlflow:/)/([^/@]+)[/@]([^/@]+)$");

    private final ReportConfig config;
    private final CertificateService certificates;
    private final ModelCards cards;
    private final RegistryCalls calls;
    private final ObjectMapper mapper;

    public CertificatePublisher(ReportConfig config, CertificateService certificates, ModelCards cards, RegistryCalls calls,
            ObjectMapper mapper) {
        this.config = config;
        this.certificates = certificates;
        this.cards = cards;
        this.calls = calls;
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
        if (!CertificateEvents.ISSUED_TYPE.equals(type) && !CertificateEvents.REVOKED_TYPE.equals(type)) {
            return Uni.createFrom().voidItem();
        }
        UUID id = UUID.fromString(event.at("/data/certificateId").asText());
        return certificates.get(id).chain(c -> mlflow(c).chain(() -> webhook(c, event.path("id").asText(), payload)));
    }

    private static boolean accepted(List<String> scopes, CertificateEntity c) {
        // Certificates issued before scopes were stated have none, and no registry takes them on trust.
        return c.scopeClass != null && scopes.contains(c.scopeClass);
    }

    private Uni<Void> mlflow(CertificateEntity c) {
        if (!config.publishing().mlflow().enabled()) {
            return Uni.createFrom().voidItem();
        }
        if (!accepted(config.publishing().mlflow().acceptedScopes(), c)) {
            LOG.infof("Certificate %s (scope %s) is not tagged on MLflow: report.publishing.mlflow.accepted-scopes is %s", c.id, c.scopeClass,
                    config.publishing().mlflow().acceptedScopes());
            return Uni.createFrom().voidItem();
        }
        String uri;
        try {
            JsonNode statement = mapper.readTree(c.statement);
            if (Statements.PIPELINE_CHECK_PREDICATE_TYPE.equals(statement.path("predicateType").asText())) {
                // A pipeline check says nothing about the model it was requested for: never tag that model's version with it.
                LOG.debugf("Certificate %s is a pipeline check; no MLflow tags set on model %s", c.id, c.modelName);
                return Uni.createFrom().voidItem();
            }
            uri = statement.at("/predicate/student/uri").asText(null);
        } catch (Exception e) {
            return Uni.createFrom().failure(e);
        }
        Optional<String[]> target = mlflowModelVersion(uri);
        if (target.isEmpty()) {
            LOG.debugf("Certificate %s: student URI %s names no MLflow model version; no tags set", c.id, uri);
            return Uni.createFrom().voidItem();
        }
        String authorization = config.publishing().mlflow().token().map(t -> "Bearer " + t).orElse(null);
        return Multi.createFrom().iterable(cards.mlflowTags(c))
                .onItem().transformToUniAndConcatenate(tag -> calls.setTag(authorization,
                        new MlflowClient.SetTag(target.get()[0], target.get()[1], tag.key(), tag.value())))
                .collect().last()
                .invoke(() -> LOG.infof("Certificate %s%s tagged on MLflow model %s version %s", c.id, c.revokedAt == null ? "" : " (revoked)",
                        target.get()[0], target.get()[1]))
                .replaceWithVoid();
    }

    private Uni<Void> webhook(CertificateEntity c, String eventId, String body) {
        if (!config.publishing().webhook().enabled() || !accepted(config.publishing().webhook().acceptedScopes(), c)) {
            return Uni.createFrom().voidItem();
        }
        String secret = config.publishing().webhook().secret()
                .orElseThrow(() -> new IllegalStateException("report.publishing.webhook.secret is required when the webhook is enabled"));
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        return calls.deliver(Webhooks.sign(secret, timestamp, body), timestamp, eventId, body).replaceWithVoid();
    }
}
