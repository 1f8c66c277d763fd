package io.traittrace.statistics;

/** How the arms of a comparison relate, which decides the test and its power. */
public enum Design {
    /** Arms share each seed's base, teacher and draws: compared within seed by the paired t-test. */
    PAIRED,
    /** Arms are separate trainings: compared by Welch's test. */
    INDEPENDENT
}
