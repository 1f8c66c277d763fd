package io.traittrace.gateway.console;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.FormParam;

/**
 * The platform admin's quota form: an organisation's audits in flight and GPU-hours per period, as the runner's
 * {@code PUT /api/organizations/{org}/quota} takes them. A blank field sends null: the organisation goes back to the
 * runner's configured default for it.
 */
public class QuotaForm {

    static final int MAX_AUDITS_IN_FLIGHT = 1_000_000;

    @FormParam("maxAuditsInFlight")
    String maxAuditsInFlight;

    @FormParam("gpuHoursPerPeriod")
    String gpuHoursPerPeriod;

    /** The form filled with the organisation's own settings (its overrides), blank where it has the default. */
    static QuotaForm of(Map<String, Object> quota) {
        QuotaForm form = new QuotaForm();
        if (quota.get("overrides") instanceof Map<?, ?> overrides) {
            form.maxAuditsInFlight = text(overrides.get("maxAuditsInFlight"));
            form.gpuHoursPerPeriod = text(overrides.get("gpuHoursPerPeriod"));
        }
        return form;
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    public String getMaxAuditsInFlight() {
        return maxAuditsInFlight == null ? "" : maxAuditsInFlight;
    }

    public String getGpuHoursPerPeriod() {
        return gpuHoursPerPeriod == null ? "" : gpuHoursPerPeriod;
    }

    /** Field name → what is wrong with it; empty when the runner may be asked. */
    Map<String, String> validate() {
        Map<String, String> errors = new LinkedHashMap<>();
        if (!blank(maxAuditsInFlight)) {
            try {
                int value = Integer.parseInt(maxAuditsInFlight.strip());
                if (value < 0 || value > MAX_AUDITS_IN_FLIGHT) {
                    errors.put("maxAuditsInFlight", "audits in flight must be between 0 and " + MAX_AUDITS_IN_FLIGHT);
                }
            } catch (NumberFormatException e) {
                errors.put("maxAuditsInFlight", "audits in flight must be a whole number");
            }
        }
        if (!blank(gpuHoursPerPeriod)) {
            try {
                if (new BigDecimal(gpuHoursPerPeriod.strip()).signum() < 0) {
                    errors.put("gpuHoursPerPeriod", "GPU-hours must not be negative");
                }
            } catch (NumberFormatException e) {
                errors.put("gpuHoursPerPeriod", "GPU-hours must be a number");
            }
        }
        return errors;
    }

    /** The runner's request body; call after {@link #validate()} found nothing. */
    Map<String, Object> toRequest() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("maxAuditsInFlight", blank(maxAuditsInFlight) ? null : Integer.parseInt(maxAuditsInFlight.strip()));
        request.put("gpuHoursPerPeriod", blank(gpuHoursPerPeriod) ? null : new BigDecimal(gpuHoursPerPeriod.strip()));
        return request;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
