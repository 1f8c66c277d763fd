/**
 * An audit's aggregation and verdict: per-seed scores in, summaries, Holm-corrected one-sided Welch comparisons,
 * controls and a conservative outcome with its rule and reasons out. Pure domain code (no Quarkus, no I/O), so the
 * numbers a certificate carries can be re-derived from its inputs alone.
 */
package io.traittrace.statistics.analysis;
