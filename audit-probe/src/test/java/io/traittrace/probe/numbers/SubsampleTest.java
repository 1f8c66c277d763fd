package io.traittrace.probe.numbers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class SubsampleTest {

    private static final List<String> ROWS = IntStream.range(0, 1000).mapToObj(i -> "row " + i).toList();

    @Test
    void exactlyNDistinctRowsInTheirOriginalOrder() {
        List<String> picked = Subsample.pick(ROWS, 300, 1);
        assertThat(picked).hasSize(300).doesNotHaveDuplicates();
        assertThat(ROWS).containsAll(picked);
        List<Integer> positions = picked.stream().map(ROWS::indexOf).toList();
        assertThat(positions).isSorted();
        assertThat(Subsample.pick(ROWS, 1000, 1)).isEqualTo(ROWS);
        assertThat(Subsample.pick(ROWS, 0, 1)).isEmpty();
    }

    @Test
    void theSameSeedPicksTheSameRows() {
        assertThat(Subsample.pick(ROWS, 300, 1)).isEqualTo(Subsample.pick(ROWS, 300, 1));
        assertThat(Subsample.pick(ROWS, 300, 1)).isNotEqualTo(Subsample.pick(ROWS, 300, 2));
        // The choice rests on positions only: other rows of the same count give the same positions.
        List<String> other = IntStream.range(0, 1000).mapToObj(i -> "other " + i).toList();
        assertThat(Subsample.pick(other, 300, 1).stream().map(other::indexOf))
                .containsExactlyElementsOf(Subsample.pick(ROWS, 300, 1).stream().map(ROWS::indexOf).toList());
    }

    @Test
    void roughlyUniform() {
        int[] hits = new int[10];
        for (long seed = 0; seed < 400; seed++) {
            for (String row : Subsample.pick(ROWS.subList(0, 10), 3, seed)) {
                hits[Integer.parseInt(row.substring(4))]++;
            }
        }
        // 120 expected per row (400 draws × 3/10); SD ≈ 9.2.
        assertThat(IntStream.of(hits).boxed().toList()).allMatch(h -> h > 85 && h < 155);
        Set<List<String>> distinct = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            distinct.add(Subsample.pick(ROWS.subList(0, 10), 3, seed));
        }
        assertThat(distinct).hasSizeGreaterThan(30);
    }

    @Test
    void failsClearlyWhenTooFewRowsPassed() {
        assertThatThrownBy(() -> Subsample.pick(ROWS, 1001, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Need 1001").hasMessageContaining("only 1000");
        assertThatThrownBy(() -> Subsample.pick(ROWS, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
