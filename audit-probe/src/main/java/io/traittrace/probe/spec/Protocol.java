package io.traittrace.probe.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.Progress;
import io.traittrace.probe.result.ProbeResult;

/**
 * One distillation test. The same parameters arrive from a spec file ({@code bin/probe run}) or from
 * command-line flags ({@code bin/probe <name>}); the protocol validates them and fails with
 * {@link io.traittrace.probe.ProbeException} when it cannot run.
 */
public interface Protocol {

    /** The name used in specs and as the command ("canary", "family", ...). */
    String name();

    String version();

    ProbeResult run(ObjectNode parameters, Progress progress);
}
