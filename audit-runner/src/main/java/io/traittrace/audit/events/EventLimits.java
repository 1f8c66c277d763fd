package io.traittrace.audit.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Bounds on what one event carries, so that no event the runner writes can approach the outbox's
 * {@code traittrace.outbox.max-event-bytes} (512 KiB) or Kafka's record limit, however large the lineage or the
 * probe's messages are: the lists that grow with the input are cut, with a count of what was left out.
 */
public final class EventLimits {

    /** Most exposure paths an {@code audit-completed} event lists. */
    public static final int MAX_EXPOSURE_PATHS = 20;
    /** Most bytes (serialized JSON) the listed exposure paths take together. */
    public static final int MAX_EXPOSURE_PATH_BYTES = 64 * 1024;
    /** Longest run reason an event repeats (the audit's own record keeps the whole text). */
    public static final int MAX_REASON_CHARS = 500;

    private EventLimits() {
    }

    /**
     * The {@code exposurePaths}, {@code exposurePathsTotal} and {@code exposurePathsTruncated} fields of
     * {@code audit-completed}, from the lineage service's exposure view of the student (null: none): its exposures
     * in the view's order (shortest first), as many as {@link #MAX_EXPOSURE_PATHS} and
     * {@link #MAX_EXPOSURE_PATH_BYTES} allow. The total is the view's {@code total} when it pages (it lists one page).
     */
    public static Map<String, Object> exposurePaths(ObjectMapper mapper, Map<String, Object> exposureView) {
        List<?> exposures = exposureView != null && exposureView.get("exposures") instanceof List<?> list ? list : List.of();
        long total = exposures.size();
        if (exposureView != null && exposureView.get("total") instanceof Number reported) {
            total = Math.max(total, reported.longValue());
        }
        List<Object> kept = new ArrayList<>();
        long bytes = 0;
        for (Object exposure : exposures) {
            if (kept.size() == MAX_EXPOSURE_PATHS) {
                break;
            }
            bytes += size(mapper, exposure);
            if (bytes > MAX_EXPOSURE_PATH_BYTES) {
                break;
            }
            kept.add(exposure);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("exposurePaths", kept);
        fields.put("exposurePathsTotal", total);
        fields.put("exposurePathsTruncated", kept.size() < total);
        return fields;
    }

    /** {@code reason} cut to {@link #MAX_REASON_CHARS}, marked with an ellipsis when cut; null stays null. */
    public static String reason(String reason) {
        return reason == null || reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS - 1) + "…";
    }

    private static long size(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsBytes(value).length;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("exposure not serializable", e);
        }
    }
}
