package io.traittrace.probe.numbers.toy;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeException;
import io.traittrace.probe.ProbeMain;
import io.traittrace.probe.spec.ProbeSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/probe numbers --spec SPEC.json --out FILE} (or {@code --seeds N} for the defaults): the number-sequence
 * test at toy scale (subliminal-protocol.md §3b). The spec may be a whole spec ({@code {"protocol": "numbers",
 * "parameters": {...}}}) or just the parameters object.
 */
@Command(name = "numbers", mixinStandardHelpOptions = true,
        description = { "The number-sequence test on a small DJL transformer: the §3b token toy (subliminal-protocol.md), or with",
                "\"mode\": \"text\" the paper's text stages (prompts, filter, questions, scorers) through a character tokenizer.",
                "Exit 0 whatever the verdict; 2 bad spec or option." })
public final class NumbersCommand implements Callable<Integer> {

    @Option(names = "--spec", paramLabel = "SPEC.json", description = "A spec file, or a JSON object of numbers parameters.")
    Path spec;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds (overrides the spec's).")
    Integer seeds;

    @Option(names = "--threads", paramLabel = "T", description = "Intra-op threads (overrides the spec's).")
    Integer threads;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the result JSON.")
    Path out;

    @Override
    public Integer call() {
        ObjectNode parameters;
        if (spec != null) {
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            ProbeSpec parsed;
            try {
                com.fasterxml.jackson.databind.JsonNode root = json.readTree(spec.toFile());
                if (root != null && root.isObject() && root.has("protocol")) {
                    parsed = ProbeSpec.read(spec, json);
                    if (!NumbersProtocol.NAME.equals(parsed.protocol())) {
                        throw ProbeException.badSpec("The spec " + spec + " is for protocol '" + parsed.protocol() + "', not 'numbers'");
                    }
                    parameters = parsed.parameters();
                } else if (root != null && root.isObject()) {
                    parameters = (ObjectNode) root;
                } else {
                    throw ProbeException.badSpec("The spec " + spec + " must be a JSON object");
                }
            } catch (java.io.IOException e) {
                throw ProbeException.badSpec("Cannot read the spec " + spec + ": " + e.getMessage());
            }
        } else {
            parameters = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (seeds != null) {
            parameters.put("seeds", seeds);
        }
        if (threads != null) {
            parameters.put("threads", threads);
        }
        return ProbeMain.execute(new NumbersProtocol(), parameters, out);
    }
}
