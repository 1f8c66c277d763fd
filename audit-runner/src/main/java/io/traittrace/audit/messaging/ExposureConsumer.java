package io.traittrace.audit.messaging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.audit.client.LineageLookup;
import io.traittrace.audit.config.RunnerConfig.PolicyMode;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.domain.AuditRequest;
import io.traittrace.audit.domain.Requester;
import io.traittrace.audit.service.AuditService;
import io.traittrace.events.EventType;
import io.traittrace.events.Topics;
import io.traittrace.service.rest.ApiProblem;

/**
 * Queues audits for exposed students, per policy: off, every exposure, or only exposures to listed teacher
 * families. The idempotency key is derived from the exposed model and its teacher (the exposure's key when no teacher is
 * known), so a redelivered, re-announced or farther-sourced exposure through the same teacher queues one audit. An audit
 * that cannot run (a student without a digest, models without readable weights) is recorded as FAILED with the reasons
 * and announced, never skipped in silence; a lineage outage is retried, then the record goes to the dead-letter topic. Each
 * audit belongs to the exposure's organisation ({@code data.organization}): the policy's audits, keys and in-flight quota are
 * per organisation, and an exposure never queues an audit in another.
 */
@ApplicationScoped
public class ExposureConsumer {

    private static final Logger LOG = Logger.getLogger(ExposureConsumer.class);

    private final AuditService audits;
    private final LineageLookup lineage;
    private final RunnerConfig config;
    private final ObjectMapper mapper;

    public ExposureConsumer(AuditService audits, LineageLookup lineage, RunnerConfig config, ObjectMapper mapper) {
        this.audits = audits;
        this.lineage = lineage;
        this.config = config;
        this.mapper = mapper;
    }

    @Incoming(Topics.EXPOSURE_DETECTED)
    public Uni<Void> consume(String payload) {
        RunnerConfig.Policy policy = config.policy();
        if (policy.mode() == PolicyMode.OFF) {
            return Uni.createFrom().voidItem();
        }
        JsonNode event;
        try {
            event = mapper.readTree(payload);
        } catch (Exception e) {
            LOG.warnf("Skipping an exposure-detected record that is not JSON: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        JsonNode data = event.path("data");
        String eventId = event.path("id").asText("?");
        // Read as the lineage service writes it: its contract's type and data schema. The schema requires the organisation,
        // so an event that names none is refused, never given one; the audit is queued there and nowhere else.
        List<String> problems = EventType.EXPOSURE_DETECTED.problems(event);
        if (!problems.isEmpty()) {
            LOG.warnf("Skipping event %s: not a %s CloudEvent: %s", eventId, EventType.EXPOSURE_DETECTED.type(), String.join("; ", problems));
            return Uni.createFrom().voidItem();
        }
        String organization = data.get("organization").asText();
        if (Organizations.PUBLIC.equals(organization)) {
            // The public catalogue runs no audits (it has no queue, quota or owner to answer to): every organisation
            // model descending from this one gets an exposure, and so an audit, of its own.
            LOG.infof("Exposure %s of public catalogue model %s: no audit (audits belong to organisations)", eventId,
                    data.path("model").asText());
            return Uni.createFrom().voidItem();
        }
        String teacher = data.path("teacher").asText(null);
        Uni<Boolean> wanted = policy.mode() == PolicyMode.ALL ? Uni.createFrom().item(true) : inListedFamily(teacher, organization);
        return wanted.chain(yes -> {
            if (!yes) {
                LOG.debugf("Exposure %s of %s: teacher %s is not in a listed family; no audit", eventId, data.path("model").asText(), teacher);
                return Uni.createFrom().voidItem();
            }
            return audits.submit(request(data, teacher), Requester.EXPOSURE_POLICY, organization, "exposure-detected:" + eventId)
                    .invoke(s -> LOG.infof("Exposure %s in %s: audit %s %s", eventId, organization, s.audit().id(),
                            s.created() ? "queued" : "already queued"))
                    .replaceWithVoid();
        })
                .onFailure(e -> e instanceof ApiProblem p && p.status() < 500 && p.status() != 409).recoverWithUni(e -> {
                    ApiProblem problem = (ApiProblem) e;
                    LOG.warnf("Exposure %s cannot be evaluated: %s %s", eventId, e.getMessage(), problem.errors());
                    List<String> reasons = new java.util.ArrayList<>();
                    reasons.add(e.getMessage());
                    reasons.addAll(problem.errors());
                    return audits.recordNotEvaluable(request(data, teacher), reasons, Requester.EXPOSURE_POLICY.name(), organization,
                            "exposure-detected:" + eventId).replaceWithVoid();
                })
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(10)).atMost(5);
    }

    /** Whether the teacher, as the exposure's organisation sees it in lineage, descends from a listed family root. */
    private Uni<Boolean> inListedFamily(String teacher, String organization) {
        List<String> families = config.policy().teacherFamilies().orElse(List.of());
        if (teacher == null || families.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        return lineage.model(teacher, organization).map(model -> {
            Object roots = model == null ? null : model.get("roots");
            return roots instanceof List<?> list && list.stream().anyMatch(families::contains);
        });
    }

    private AuditRequest request(JsonNode data, String teacher) {
        String model = data.get("model").asText();
        // One audit per student and teacher: lineage announces each farther source a student is exposed to through the same
        // teacher, and the audit tests that teacher's influence either way. Without a teacher, the exposure itself.
        String exposure = teacher != null ? "teacher:" + teacher : "path:" + data.get("pathKey").asText();
        String key = Requester.POLICY_KEY_PREFIX + HexFormat.of().formatHex(sha256(model + "|" + exposure));
        ObjectNode parameters;
        try {
            parameters = (ObjectNode) mapper.readTree(config.policy().parameters());
        } catch (Exception e) {
            throw new IllegalStateException("runner.policy.parameters is not a JSON object", e);
        }
        // A trait-eval audit is one deterministic run: the policy's seeds are for the seeded protocols.
        Integer seeds = "trait-eval".equals(config.policy().protocol()) ? null : config.policy().seedsPerArm();
        return new AuditRequest(key, config.policy().protocol(), teacher, model, data.path("dataset").asText(null), null,
                seeds, config.policy().margin().orElse(null), parameters, null);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
