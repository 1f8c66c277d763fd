package io.traittrace.api.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class ProblemKindTest {

    @Test
    void eachKindHasItsOwnTitleAndTypeUri() {
        List<ProblemKind> kinds = Arrays.asList(ProblemKind.values());
        assertThat(kinds.stream().map(ProblemKind::title)).doesNotHaveDuplicates();
        assertThat(kinds.stream().map(ProblemKind::type)).doesNotHaveDuplicates()
                .allSatisfy(type -> assertThat(type).startsWith(Problem.TYPE_BASE).matches(".*/[a-z0-9]+(-[a-z0-9]+)*"));
    }

    @Test
    void theTypeUriIsTheTitlesSlug() {
        assertThat(Problem.typeOf("Organisation required")).isEqualTo("https://traittrace.io/problems/organisation-required");
        assertThat(Problem.typeOf("  Not found! ")).isEqualTo("https://traittrace.io/problems/not-found");
        assertThat(Problem.of(ProblemKind.MALFORMED_BODY, "no", "/api/x").type())
                .isEqualTo("https://traittrace.io/problems/malformed-request-body");
    }

    @Test
    void aStatusNamesTheFirstKindDeclaredForIt() {
        assertThat(ProblemKind.forStatus(400)).contains(ProblemKind.INVALID_REQUEST);
        assertThat(ProblemKind.forStatus(404)).contains(ProblemKind.NOT_FOUND);
        assertThat(ProblemKind.forStatus(418)).isEmpty();
    }

    @Test
    void aProblemWithoutErrorsListsNone() {
        assertThat(Problem.of(400, "Invalid request", "d", null, null).errors()).isEmpty();
    }
}
