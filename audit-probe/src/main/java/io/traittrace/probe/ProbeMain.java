package io.traittrace.probe;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.traittrace.probe.canary.CanaryCommand;
import io.traittrace.probe.contract.ProbeContract;
import io.traittrace.probe.canary.CanaryProtocol;
import io.traittrace.probe.family.FamilyCommand;
import io.traittrace.probe.family.FamilyProtocol;
import io.traittrace.probe.lm.LmCommand;
import io.traittrace.probe.numbers.toy.NumbersCommand;
import io.traittrace.probe.numbers.toy.NumbersProtocol;
import io.traittrace.probe.result.ProbeResult;
import io.traittrace.probe.spec.ProbeSpec;
import io.traittrace.probe.spec.Protocol;
import io.traittrace.probe.traiteval.DemoModelsCommand;
import io.traittrace.probe.traiteval.TraitEvalCommand;
import io.traittrace.probe.traiteval.TraitEvalProtocol;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/probe <command>}: runs one distillation test and writes its result JSON. Exit 0 whenever the
 * test completed, whatever the verdict; 2 for a bad spec or option, 3 for missing or unreadable data,
 * 1 for anything unexpected.
 */
@Command(name = "probe", mixinStandardHelpOptions = true, versionProvider = ProbeMain.Version.class,
        description = "TraitTrace probe: subliminal-learning distillation tests. Progress on stderr, result JSON to --out.",
        subcommands = { ProbeMain.RunCommand.class, CanaryCommand.class, FamilyCommand.class, NumbersCommand.class, TraitEvalCommand.class, DemoModelsCommand.class, LmCommand.class })
public final class ProbeMain implements Callable<Integer> {

    static final ObjectMapper JSON = JsonFiles.JSON;

    /** Every protocol this probe can run, by name. */
    static List<Protocol> protocols() {
        return List.of(new CanaryProtocol(), new FamilyProtocol(), new NumbersProtocol(), new TraitEvalProtocol());
    }

    public static void main(String[] args) {
        ParentWatch.fromEnvironment();
        CudaRuntime.prepare();
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ProbeMain());
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof ProbeException probe) {
                command.getErr().println("probe: " + probe.getMessage());
                return probe.exitCode();
            }
            command.getErr().println("probe: the test failed unexpectedly: " + e);
            e.printStackTrace(command.getErr());
            return 1;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("probe: " + e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return ProbeException.BAD_SPEC;
        });
        return cli;
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.err);
        return ProbeException.BAD_SPEC;
    }

    /** Runs a protocol and writes its result; shared by {@code run} and the per-protocol commands. */
    public static int execute(Protocol protocol, com.fasterxml.jackson.databind.node.ObjectNode parameters, Path out) {
        Progress progress = new Progress(System.err, protocol.name());
        progress.line("starting (protocol %s v%s)", protocol.name(), protocol.version());
        ProbeResult result = protocol.run(parameters, progress);
        write(result, out);
        progress.line("done: %s; result written to %s", result.verdict().outcome(), out);
        return 0;
    }

    static void write(ProbeResult result, Path out) {
        JsonFiles.write(result, out);
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "The Job entrypoint: run the protocol a spec names, write the result, and hand it to the audit runner when "
                    + "--submit (or TRAITTRACE_RESULT_URL) is set.")
    static final class RunCommand implements Callable<Integer> {

        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        SpecSource source;

        static final class SpecSource {
            @Option(names = "--spec", description = "Spec file: {\"protocol\": ..., \"parameters\": {...}}")
            Path file;

            @Option(names = "--spec-json", description = "The spec itself, as JSON text (what the runner puts in TRAITTRACE_SPEC).")
            String json;
        }

        @Option(names = "--out", required = true, description = "Where to write the result JSON.")
        Path out;

        @Option(names = "--submit", paramLabel = "URL", defaultValue = "${env:" + ProbeContract.RESULT_URL_ENV + "}",
                description = "POST the result here with the bearer token in TRAITTRACE_RUN_TOKEN (default: $TRAITTRACE_RESULT_URL).")
        String submit;

        @Override
        public Integer call() {
            ProbeSpec parsed = source.file != null ? ProbeSpec.read(source.file, JSON) : ProbeSpec.parse(source.json, "--spec-json", JSON);
            Protocol protocol = protocols().stream().filter(p -> p.name().equals(parsed.protocol())).findFirst()
                    .orElseThrow(() -> ProbeException.badSpec("Unknown protocol '" + parsed.protocol() + "'; this probe runs "
                            + protocols().stream().map(Protocol::name).toList()));
            int exit = execute(protocol, parsed.parameters(), out);
            if (submit != null && !submit.isBlank()) {
                ResultSubmission.submit(out, java.net.URI.create(submit), System.getenv(ProbeContract.RUN_TOKEN_ENV),
                        new Progress(System.err, protocol.name()));
            }
            return exit;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ProbeMain.class.getPackage().getImplementationVersion();
            return new String[] { "TraitTrace probe " + (version == null ? "dev" : version), "result schema " + ProbeResult.SCHEMA };
        }
    }
}
