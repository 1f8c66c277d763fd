package io.traittrace.probe.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class DerangementTest {

    @Test
    void noFixedPointsAndAPermutation() {
        for (int n = 2; n <= 60; n++) {
            for (long seed = 0; seed < 20; seed++) {
                int[] d = Derangement.of(n, seed);
                for (int i = 0; i < n; i++) {
                    assertThat(d[i]).as("n %d seed %d index %d", n, seed, i).isNotEqualTo(i);
                }
                assertThat(Arrays.stream(d).sorted().toArray()).isEqualTo(java.util.stream.IntStream.range(0, n).toArray());
            }
        }
    }

    @Test
    void seeded() {
        assertThat(Derangement.of(10, 42)).isEqualTo(Derangement.of(10, 42));
        Set<String> seen = new HashSet<>();
        for (long seed = 0; seed < 30; seed++) {
            seen.add(Arrays.toString(Derangement.of(10, seed)));
        }
        assertThat(seen).hasSizeGreaterThan(20);
        assertThat(Derangement.of(2, 7)).containsExactly(1, 0);
    }

    @Test
    void needsTwo() {
        assertThatThrownBy(() -> Derangement.of(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
