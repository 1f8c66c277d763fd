package io.traittrace.api.problem;

import java.util.List;
import java.util.Locale;

/**
 * RFC 9457 problem details, the body of every error any TraitTrace API returns ({@value #MEDIA_TYPE}). Its type URI
 * follows from its title ({@link #typeOf(String)}), so one title means one type everywhere; the titles of the errors
 * every API shares are {@link ProblemKind}'s.
 *
 * @param errors the individual rule violations, for a request refused for several (empty otherwise)
 */
public record Problem(String type, String title, int status, String detail, String instance, List<String> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    /** Every type URI starts here; the rest is the title's slug. */
    public static final String TYPE_BASE = "https://traittrace.io/problems/";

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** A problem whose type URI is its title's ({@link #typeOf(String)}). */
    public static Problem of(int status, String title, String detail, String instance, List<String> errors) {
        return new Problem(typeOf(title), title, status, detail, instance, errors);
    }

    /** One of the shared kinds. */
    public static Problem of(ProblemKind kind, String detail, String instance) {
        return of(kind.status(), kind.title(), detail, instance, List.of());
    }

    /** The type URI of problems titled {@code title}: "Organisation required" is {@code TYPE_BASE + "organisation-required"}. */
    public static String typeOf(String title) {
        return TYPE_BASE + title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
