package io.traittrace.gateway.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.quarkus.qute.TemplateData;

/**
 * One audit as the runner answers it, with what the page derives from it: progress counts, the plan, and the
 * results per arm, per comparison and per control, numbers already written for reading.
 */
@TemplateData
public record AuditView(Map<String, Object> audit, Map<String, Object> request, List<?> runs, Progress progress,
        Verdict verdict, List<ArmRow> arms, List<ComparisonRow> comparisons, String correction, List<ControlRow> controls, PowerRow power,
        List<String> failureReasons, String parametersJson, String resultJson) {

    @TemplateData
    public record Progress(long total, long pending, long running, long succeeded, long failed, long cancelled) {

        public long finished() {
            return succeeded + failed + cancelled;
        }

        public long percent() {
            return total == 0 ? 0 : Math.round(100.0 * finished() / total);
        }
    }

    @TemplateData
    public record Verdict(String outcome, String rule, List<String> reasons) {
    }

    /** One arm (or arm:trait): its mean, spread, interval, seed count and each seed's score. */
    @TemplateData
    public record ArmRow(String arm, String mean, String sd, String ci95, String n, List<String> scores) {
    }

    @TemplateData
    public record ComparisonRow(String name, String trait, String treatment, String control, String statistic, String difference, String t,
            String df, String p, String adjustedP, String upperBound, boolean primary) {
    }

    /** What the audit could see: its margin, its power there and its minimum detectable effect, planned and observed. */
    @TemplateData
    public record PowerRow(String design, String seeds, String margin, String alpha, String plannedSd, String plannedPower, String plannedMde,
            String observedSd, String observedPower, String observedMde) {
    }

    @TemplateData
    public record ControlRow(String name, String kind, String status, String detail) {
    }

    public String id() {
        return String.valueOf(audit.get("id"));
    }

    public String state() {
        return String.valueOf(audit.get("state"));
    }

    public boolean running() {
        return "RUNNING".equals(state());
    }

    public String traits() {
        return Formats.list(request.get("traits"));
    }

    public Map<?, ?> resources() {
        return request.get("resources") instanceof Map<?, ?> m ? m : Map.of();
    }

    public boolean hasResults() {
        return !arms.isEmpty() || !comparisons.isEmpty() || !controls.isEmpty();
    }

    static AuditView of(Map<String, Object> audit, Function<Object, String> json) {
        Map<String, Object> request = map(audit.get("request"));
        List<?> runs = audit.get("runs") instanceof List<?> list ? list : List.of();
        Map<String, Object> result = map(audit.get("result"));
        Map<String, Object> verdictJson = map(result.get("verdict"));
        Verdict verdict = verdictJson.isEmpty() ? null
                : new Verdict(string(verdictJson.get("outcome")), string(verdictJson.get("rule")), strings(verdictJson.get("reasons")));
        List<ArmRow> arms = new ArrayList<>();
        map(result.get("arms")).forEach((arm, value) -> {
            Map<String, Object> a = map(value);
            List<String> scores = a.get("scores") instanceof List<?> list ? list.stream().map(s -> Formats.num(s, 3)).toList() : List.of();
            String ci = a.get("ci95") instanceof List<?> ci95 && ci95.size() == 2
                    ? "[" + Formats.num(ci95.get(0), 3) + ", " + Formats.num(ci95.get(1), 3) + "]"
                    : "—";
            arms.add(new ArmRow(arm, Formats.num(a.get("mean"), 3), Formats.num(a.get("sd"), 3), ci, Formats.num(a.get("n"), 0), scores));
        });
        List<ComparisonRow> comparisons = new ArrayList<>();
        if (result.get("comparisons") instanceof List<?> list) {
            for (Object item : list) {
                Map<String, Object> c = map(item);
                comparisons.add(new ComparisonRow(string(c.get("name")), string(c.get("trait")), string(c.get("treatment")),
                        string(c.get("control")), string(c.get("statistic")), Formats.num(c.get("difference"), 3), Formats.num(c.get("t"), 2),
                        Formats.num(c.get("df"), 1), Formats.p(c.get("pValue")), Formats.p(c.get("adjustedPValue")), Formats.num(c.get("upperBound"), 3),
                        Boolean.TRUE.equals(c.get("primary"))));
            }
        }
        List<ControlRow> controls = new ArrayList<>();
        map(result.get("controls")).forEach((name, value) -> {
            if (value instanceof Map<?, ?> c) {
                Object ok = c.get("ok");
                controls.add(new ControlRow(name, string(c.get("kind")), ok == null ? "—" : Boolean.TRUE.equals(ok) ? "shown" : "not shown",
                        string(c.get("detail"))));
            } else {
                controls.add(new ControlRow(name, null, string(value), null));
            }
        });
        Map<String, Object> p0 = map(result.get("power"));
        PowerRow power = p0.isEmpty() ? null
                : new PowerRow(string(p0.get("design")), Formats.num(p0.get("seeds"), 0), Formats.num(p0.get("margin"), 3), Formats.num(p0.get("alpha"), 3),
                        Formats.num(p0.get("plannedSd"), 3), Formats.num(p0.get("plannedPower"), 2), Formats.num(p0.get("plannedMde"), 3),
                        Formats.num(p0.get("observedSd"), 3), Formats.num(p0.get("observedPower"), 2), Formats.num(p0.get("observedMde"), 3));
        List<String> failureReasons = verdict == null ? strings(result.get("reasons")) : List.of();
        Map<String, Object> p = map(audit.get("progress"));
        Progress progress = new Progress(number(p.get("total"), runs.size()), number(p.get("pending"), count(runs, "PENDING")),
                number(p.get("running"), count(runs, "RUNNING")), number(p.get("succeeded"), count(runs, "SUCCEEDED")),
                number(p.get("failed"), count(runs, "FAILED")), number(p.get("cancelled"), count(runs, "CANCELLED")));
        Object parameters = request.get("parameters");
        return new AuditView(audit, request, runs, progress, verdict, arms, comparisons, string(result.get("correction")), controls, power,
                failureReasons, parameters == null || parameters instanceof Map<?, ?> m && m.isEmpty() ? null : json.apply(parameters),
                result.isEmpty() ? null : json.apply(result));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }

    private static List<String> strings(Object value) {
        return value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }

    private static long number(Object value, long otherwise) {
        return value instanceof Number n ? n.longValue() : otherwise;
    }

    private static long count(List<?> runs, String state) {
        return runs.stream().filter(run -> run instanceof Map<?, ?> r && state.equals(r.get("state"))).count();
    }
}
