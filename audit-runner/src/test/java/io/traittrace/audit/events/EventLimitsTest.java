package io.traittrace.audit.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** audit-completed stays small however many exposure paths lineage reports, and says what it left out. */
class EventLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void thousandsOfLongExposurePathsAreCutToTheBoundWithTheirTotal() throws Exception {
        List<Map<String, Object>> exposures = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            exposures.add(exposure(i, 64));
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("exposures", exposures);
        view.put("total", 12000);
        Map<String, Object> fields = EventLimits.exposurePaths(JSON, view);
        List<?> kept = (List<?>) fields.get("exposurePaths");
        assertThat(kept).isNotEmpty().hasSizeLessThanOrEqualTo(EventLimits.MAX_EXPOSURE_PATHS);
        assertThat(kept.get(0)).isEqualTo(exposures.get(0));
        assertThat(JSON.writeValueAsBytes(kept).length).isLessThanOrEqualTo(EventLimits.MAX_EXPOSURE_PATH_BYTES + 64);
        assertThat(fields).containsEntry("exposurePathsTotal", 12000L).containsEntry("exposurePathsTruncated", true);
        // Today's code put all 5000 into the event: tens of megabytes, far past any Kafka record limit.
        assertThat(JSON.writeValueAsBytes(exposures).length).isGreaterThan(10 * 1024 * 1024);
    }

    @Test
    void aFewShortPathsAreAllListedAndNothingIsMarkedCut() {
        Map<String, Object> view = Map.of("exposures", List.of(exposure(1, 1), exposure(2, 2)), "total", 2);
        Map<String, Object> fields = EventLimits.exposurePaths(JSON, view);
        assertThat((List<?>) fields.get("exposurePaths")).hasSize(2);
        assertThat(fields).containsEntry("exposurePathsTotal", 2L).containsEntry("exposurePathsTruncated", false);
        assertThat(EventLimits.exposurePaths(JSON, null)).containsEntry("exposurePaths", List.of())
                .containsEntry("exposurePathsTotal", 0L).containsEntry("exposurePathsTruncated", false);
    }

    @Test
    void longReasonsAreCut() {
        assertThat(EventLimits.reason("x".repeat(100_000))).hasSize(EventLimits.MAX_REASON_CHARS).endsWith("…");
        assertThat(EventLimits.reason("short")).isEqualTo("short");
        assertThat(EventLimits.reason(null)).isNull();
    }

    private static Map<String, Object> exposure(int i, int hops) {
        List<Map<String, String>> path = new ArrayList<>();
        path.add(Map.of("model", "student-" + "s".repeat(100)));
        for (int h = 0; h < hops; h++) {
            path.add(Map.of("dataset", "dataset-" + i + "-" + h + "-" + "d".repeat(100), "relation", "trained-on"));
            path.add(Map.of("model", "teacher-" + i + "-" + h + "-" + "t".repeat(100), "relation", "generated-by"));
        }
        Map<String, Object> exposure = new LinkedHashMap<>();
        exposure.put("level", "SAME_INIT");
        exposure.put("teacher", "teacher-" + i);
        exposure.put("hops", hops);
        exposure.put("path", path);
        return exposure;
    }
}
