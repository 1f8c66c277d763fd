package io.traittrace.api.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class PageRequestTest {

    private static final PageLimits LIMITS = new PageLimits(50, 200);

    @Test
    void absentParametersTakeTheFirstPageAndTheDefaultSize() {
        assertThat(PageRequest.of(null, null, LIMITS)).isEqualTo(new PageRequest(0, 50));
        assertThat(PageRequest.of(3, null, LIMITS)).isEqualTo(new PageRequest(3, 50));
        assertThat(PageRequest.of(null, 7, LIMITS)).isEqualTo(new PageRequest(0, 7));
    }

    @Test
    void sizesFromOneToTheMaximumAreAccepted() {
        assertThat(PageRequest.of(0, 1, LIMITS).size()).isEqualTo(1);
        assertThat(PageRequest.of(0, 200, LIMITS).size()).isEqualTo(200);
    }

    @Test
    void aNegativePageOrASizeOutsideTheLimitsIsOneProblem() {
        for (Integer[] refused : new Integer[][] { { -1, null }, { 0, 0 }, { 0, -5 }, { 0, 201 }, { 0, 100_000 } }) {
            assertThatThrownBy(() -> PageRequest.of(refused[0], refused[1], LIMITS))
                    .as("page %s, size %s", refused[0], refused[1])
                    .isInstanceOf(InvalidPageRequest.class)
                    .hasMessage("page must be ≥ 0 and size between 1 and 200");
        }
    }

    @Test
    void theOffsetCountsTheItemsOfTheEarlierPages() {
        assertThat(new PageRequest(0, 20).offset()).isZero();
        assertThat(new PageRequest(3, 20).offset()).isEqualTo(60);
    }

    @Test
    void aRequestNeverHoldsANegativePageOrAnEmptySize() {
        assertThatThrownBy(() -> new PageRequest(-1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PageRequest(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDefaultSizeAboveTheMaximumIsAConfigurationError() {
        assertThatThrownBy(() -> new PageLimits(300, 200)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PageLimits(0, 200)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPageKeepsItsNumbersWhenItsItemsAreMapped() {
        Page<Integer> page = Page.of(List.of(1, 2, 3), new PageRequest(2, 3), 11);

        Page<String> mapped = page.map(n -> "#" + n);

        assertThat(mapped).isEqualTo(new Page<>(List.of("#1", "#2", "#3"), 2, 3, 11));
    }
}
