package io.traittrace.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.traittrace.api.problem.Problem;
import io.traittrace.api.problem.ProblemKind;
import io.traittrace.e2e.Api.Reply;

/**
 * Every service, asked the same bad request, answers the same problem: one status, one title, one type URI per kind of
 * error (the API contract's), whichever service or the gateway refused it. Runs on the started stack, writes nothing.
 */
@Order(2)
@ExtendWith(StackExtension.class)
class ProblemDetailsTest {

    private static final String UNKNOWN_UUID = "00000000-0000-4000-8000-00000000dead";

    @Test
    void aBodyThatIsNotJsonIsTheSameProblemEverywhere(Stack stack) {
        Api api = stack.api();
        Map<String, Reply> replies = new LinkedHashMap<>();
        replies.put("lineage", api.post("/api/lineage/models", "admin", "{not json"));
        replies.put("audit runner", api.post("/api/audits", "admin", "{not json"));
        replies.put("report", api.post("/api/certificates/" + UNKNOWN_UUID + "/revoke", "admin", "{not json"));
        assertAll(replies, ProblemKind.MALFORMED_BODY);
    }

    @Test
    void aBodyBreakingTheRulesIsTheSameProblemEverywhere(Stack stack) {
        Api api = stack.api();
        Map<String, Reply> replies = new LinkedHashMap<>();
        replies.put("lineage", api.post("/api/lineage/models", "admin", "{}"));
        replies.put("audit runner", api.post("/api/audits", "admin", "{}"));
        replies.put("report", api.post("/api/certificates/" + UNKNOWN_UUID + "/revoke", "admin", "{}"));
        assertAll(replies, ProblemKind.INVALID_REQUEST);
    }

    @Test
    void aPageTooLargeIsTheSameProblemEverywhere(Stack stack) {
        Api api = stack.api();
        Map<String, Reply> replies = new LinkedHashMap<>();
        replies.put("lineage", api.get("/api/lineage/models?size=100000", "viewer"));
        replies.put("audit runner", api.get("/api/audits?size=100000", "viewer"));
        replies.put("report", api.get("/api/certificates?size=100000", "viewer"));
        assertAll(replies, ProblemKind.INVALID_REQUEST);
    }

    @Test
    void anUnknownRecordOrRouteIsTheSameProblemEverywhere(Stack stack) {
        Api api = stack.api();
        Map<String, Reply> replies = new LinkedHashMap<>();
        replies.put("lineage", api.get("/api/lineage/models/no-such-model", "viewer"));
        replies.put("audit runner", api.get("/api/audits/" + UNKNOWN_UUID, "viewer"));
        replies.put("report", api.get("/api/certificates/" + UNKNOWN_UUID, "viewer"));
        replies.put("gateway", api.get("/api/no-such-route", "viewer"));
        assertAll(replies, ProblemKind.NOT_FOUND);
    }

    private static void assertAll(Map<String, Reply> replies, ProblemKind kind) {
        replies.forEach((who, reply) -> {
            assertThat(reply.status()).as(who + ": " + reply).isEqualTo(kind.status());
            assertThat(reply.contentType()).as(who).startsWith(Problem.MEDIA_TYPE);
            assertThat(reply.json().path("title").asText()).as(who + ": " + reply).isEqualTo(kind.title());
            assertThat(reply.json().path("type").asText()).as(who).isEqualTo(kind.type());
            assertThat(reply.json().path("status").asInt()).as(who).isEqualTo(kind.status());
        });
    }
}
