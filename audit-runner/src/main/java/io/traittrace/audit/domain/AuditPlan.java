package io.traittrace.audit.domain;

import java.util.List;

import io.traittrace.statistics.analysis.AnalysisPlan;

/** What an audit will run and how its results will be judged; derived from the request, never stored apart from it. */
public record AuditPlan(String protocol, List<PlannedRun> runs, AnalysisPlan analysis, ScoreReader scores) {
}
