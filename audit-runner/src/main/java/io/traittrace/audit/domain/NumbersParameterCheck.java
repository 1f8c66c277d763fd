package io.traittrace.audit.domain;

import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.contract.NumbersParameterTable;

/**
 * The {@code numbers} probe's parameters as the planner checks them, before anything is stored or started, with the
 * probe's own table ({@link NumbersParameterTable}, probe-contract): a request the runner accepts is one every run
 * accepts. {@code seeds} and {@code seedIndex} are the runner's (from {@code seedsPerArm}, one seed per run).
 */
final class NumbersParameterCheck {

    static final List<String> RUNNER_NAMES = List.of("seeds", "seedIndex", "margin");
    static final int DEFAULT_TRAIT = NumbersParameterTable.integer(JsonNodeFactory.instance.objectNode(), "trait");

    private NumbersParameterCheck() {
    }

    /** The checked parameters' trait (animal index); throws {@link InvalidRequest} naming the first bad parameter. */
    static int check(ObjectNode p) {
        for (String name : RUNNER_NAMES) {
            if (p.has(name)) {
                throw new InvalidRequest("parameters." + name, "\"" + name + "\" is set by the runner: seeds from seedsPerArm, seedIndex per run, "
                        + "margin from the request's margin");
            }
        }
        NumbersParameterTable.check(p).ifPresent(v -> {
            throw new InvalidRequest("parameters." + v.parameter(), v.message());
        });
        if (NumbersParameterTable.isText(p)) {
            // The planner's arms and the aggregation are the token mode's; text mode's per-trait arms are run with bin/probe.
            throw new InvalidRequest("parameters.mode", "The runner plans token-mode numbers audits only; run text mode with bin/probe numbers");
        }
        return NumbersParameterTable.integer(p, "trait");
    }

    /** Whether the run trains the two extra arms (shuffled-numbers, random-numbers); the probe's default is true. */
    static boolean extraArms(ObjectNode p) {
        return NumbersParameterTable.bool(p, "extraArms");
    }

    /**
     * The §4 sampling-ablation arms the run adds, reported beside the verdict: per ablation a treatment and its own
     * control ("treatment-greedy", "control-gen-greedy").
     */
    static List<String> ablationArms(ObjectNode p) {
        return NumbersParameterTable.choices(p, "ablations").stream()
                .flatMap(ablation -> java.util.stream.Stream.of("treatment-" + ablation, "control-gen-" + ablation))
                .toList();
    }
}
