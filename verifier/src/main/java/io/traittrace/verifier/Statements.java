package io.traittrace.verifier;

import java.util.Set;

/**
 * The in-toto Statement v1 vocabulary of a certificate. An audit whose protocol evaluates the student (or a container
 * the requester supplied) is a {@link #PREDICATE_TYPE subliminal-audit} statement whose subject is the student. A
 * pipeline check (canary, toy numbers) never is: it is a {@link #PIPELINE_CHECK_PREDICATE_TYPE pipeline-check}
 * statement whose subject is the probe spec it tested.
 */
public final class Statements {

    public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
    public static final String PREDICATE_TYPE = "https://traittrace.io/attestations/subliminal-audit/v1";
    public static final String PREDICATE_SCHEMA = "https://traittrace.io/schemas/subliminal-audit-predicate/v1.json";
    public static final String PIPELINE_CHECK_PREDICATE_TYPE = "https://traittrace.io/attestations/pipeline-check/v1";
    public static final String PIPELINE_CHECK_PREDICATE_SCHEMA = "https://traittrace.io/schemas/pipeline-check-predicate/v1.json";
    public static final Set<String> PREDICATE_TYPES = Set.of(PREDICATE_TYPE, PIPELINE_CHECK_PREDICATE_TYPE);

    /** The outcomes {@code predicate.verdict.outcome} may state. */
    public static final Set<String> VERDICT_OUTCOMES = Set.of("TRANSFER_DETECTED", "NO_TRANSFER_DETECTED", "INCONCLUSIVE");

    private Statements() {
    }
}
