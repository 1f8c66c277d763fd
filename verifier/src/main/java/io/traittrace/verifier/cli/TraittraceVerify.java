package io.traittrace.verifier.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import io.traittrace.digest.ModelDirectoryDigest;
import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.KeyStatus;
import io.traittrace.verifier.Keys;
import io.traittrace.verifier.Statements;
import io.traittrace.verifier.VerificationKey;
import io.traittrace.verifier.VerificationPolicy;
import io.traittrace.verifier.VerificationResult;
import io.traittrace.verifier.Verifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The offline verifier for registries and CI pipelines, the same {@link Verifier} the report service runs. Exit 0 only
 * when every check passes and the policy (if any) accepts the certificate; 1 with the reasons when the certificate is
 * not valid; 3 with the policy reasons when it is valid but not what the policy accepts; 2 for a usage or input error.
 * No network. The model to check against is required: without it a valid signature would pass for any model, so
 * checking the signature alone must be asked for by name ({@code --no-digest}).
 */
@Command(name = "traittrace-verify", mixinStandardHelpOptions = true, versionProvider = TraittraceVerify.Version.class,
        exitCodeOnExecutionException = TraittraceVerify.USAGE_ERROR, sortOptions = false,
        customSynopsis = {
                "traittrace-verify --bundle FILE --key PUB.pem",
                "    (--model-dir DIR | --digest sha256:HEX | --no-digest) [--revocations FILE]",
                "    [--require-scope subject-evaluated|pipeline-check|self-attested]...",
                "    [--require-verdict TRANSFER_DETECTED|NO_TRANSFER_DETECTED|INCONCLUSIVE]...",
                "    [--json] [-h | --help] [-V | --version]" },
        descriptionHeading = "%n",
        description = {
                "Verifies a TraitTrace audit certificate (a Sigstore bundle) offline: the signature over the DSSE PAE,"
                        + " hint == keyid, the key not revoked, the statement and predicate types, expiry, the revocation list,"
                        + " a pipeline check's probe-spec digest, and the model it must be about.",
                "A valid signature alone would pass for any model: give the model (--model-dir or --digest), or skip that"
                        + " check by name (--no-digest).",
                "A registry attaching certificates to models: --require-scope subject-evaluated.",
                "" },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:valid, and accepted by the --require-* policy (if any)",
                "1:not valid (the reasons are printed)",
                "2:usage or input error (unreadable bundle or key, unknown option or policy value)",
                "3:valid, but refused by the --require-* policy (the policy reasons are printed)" })
public final class TraittraceVerify implements Callable<Integer> {

    public static final int OK = 0;
    public static final int INVALID = 1;
    public static final int USAGE_ERROR = 2;
    public static final int POLICY_FAILED = 3;

    @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "the certificate: a Sigstore bundle (JSON)")
    Path bundle;

    @Option(names = "--key", required = true, paramLabel = "PUB.pem", description = "the issuer's public key (SPKI PEM, ECDSA P-256 or Ed25519)")
    Path key;

    @Option(names = "--model-dir", paramLabel = "DIR", description = "the model directory the certificate must be about; its digest is computed")
    Path modelDir;

    @Option(names = "--digest", paramLabel = "sha256:HEX", description = "the model digest the certificate must be about")
    String digest;

    @Option(names = "--no-digest", description = "check the certificate without checking which model it is about")
    boolean noDigest;

    @Option(names = "--revocations", paramLabel = "FILE", description = "the JSON of GET /api/revocations: revoked certificates and keys")
    Path revocations;

    @Option(names = "--require-scope", paramLabel = "CLASS[,CLASS]", description = "accept only these scope classes (repeatable)")
    List<String> requiredScopes = new ArrayList<>();

    @Option(names = "--require-verdict", paramLabel = "OUTCOME[,OUTCOME]", description = "accept only these verdict outcomes (repeatable)")
    List<String> requiredVerdicts = new ArrayList<>();

    @Option(names = "--json", description = "print the verification result as JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    private final Instant now;

    TraittraceVerify(Instant now) {
        this.now = now;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Instant.now()));
    }

    /** Runs the command as {@code main} does, with its output streams and clock given. */
    public static int run(String[] args, PrintStream out, PrintStream err, Instant now) {
        PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(new TraittraceVerify(now))
                .setExpandAtFiles(false) // a path that starts with @ is a path
                .setOut(outWriter)
                .setErr(errWriter)
                .execute(args);
        outWriter.flush();
        errWriter.flush();
        return exit;
    }

    @Override
    public Integer call() {
        int subjects = (modelDir != null ? 1 : 0) + (digest != null ? 1 : 0) + (noDigest ? 1 : 0);
        if (subjects == 0) {
            throw usage("give the model the certificate must be about: --model-dir DIR (its digest is computed) or --digest sha256:HEX;"
                    + " a signature alone would pass for any model, so --no-digest asks for that explicitly");
        }
        if (subjects > 1) {
            throw usage("give one of --model-dir, --digest and --no-digest");
        }
        VerificationPolicy policy;
        try {
            policy = VerificationPolicy.parse(requiredScopes, requiredVerdicts);
        } catch (IllegalArgumentException e) {
            throw usage("policy: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            byte[] bundleJson = Files.readAllBytes(bundle);
            var publicKey = Keys.parsePublicPem(Files.readString(key));
            Map<String, String> revoked = new HashMap<>();
            Set<String> revokedKeys = new HashSet<>();
            if (revocations != null) {
                JsonNode list = Canonical.JSON.readTree(Files.readAllBytes(revocations));
                if (!list.path("revocations").isArray()) {
                    err.println("--revocations: expected the JSON of GET /api/revocations ({\"revocations\": [...]})");
                    return USAGE_ERROR;
                }
                list.get("revocations").forEach(r -> revoked.put(r.path("certificateId").asText(), r.path("reason").asText("revoked")));
                list.path("revokedKeys").forEach(k -> revokedKeys.add(k.asText()));
            }
            String keyid = Keys.keyid(publicKey);
            KeyStatus status = revokedKeys.contains(keyid) ? KeyStatus.REVOKED : KeyStatus.ACTIVE;
            String expectedDigest = digest;
            if (modelDir != null) {
                if (!Files.exists(modelDir)) {
                    err.println("--model-dir: " + modelDir + " does not exist");
                    return USAGE_ERROR;
                }
                expectedDigest = ModelDirectoryDigest.of(modelDir).digest();
            }
            VerificationResult result = Verifier.of(List.of(VerificationKey.of(publicKey, status)), revoked)
                    .verify(bundleJson, expectedDigest, policy, now);
            int exit = !result.valid() ? INVALID : result.accepted() ? OK : POLICY_FAILED;
            if (json) {
                out.println(Canonical.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
            } else if (result.valid()) {
                printValid(out, result, exit, keyid, expectedDigest == null);
            } else {
                out.println("FAILED:");
                result.reasons().forEach(r -> out.println("  - " + r));
            }
            return exit;
        } catch (IOException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return USAGE_ERROR;
        }
    }

    private static void printValid(PrintWriter out, VerificationResult result, int exit, String keyid, boolean digestSkipped) {
        JsonNode s = result.statement();
        boolean pipelineCheck = Statements.PIPELINE_CHECK_PREDICATE_TYPE.equals(s.path("predicateType").asText());
        String scope = s.at("/predicate/scope/class").asText("");
        out.println((exit == OK ? "OK" : "VALID, BUT REFUSED BY POLICY") + ": certificate " + s.at("/predicate/certificate/id").asText()
                + " for " + s.at("/subject/0/name").asText() + " (sha256:" + s.at("/subject/0/digest/sha256").asText() + ")");
        out.println("    scope " + (scope.isEmpty() ? "not stated" : scope)
                + (pipelineCheck ? " (evidence about the audit method; requested for " + s.at("/predicate/requestedFor/name").asText()
                        + ", whose weights were NOT evaluated)"
                        : ", subject evaluated: " + s.at("/predicate/scope/subjectEvaluated").asText("not stated")));
        out.println("    " + (pipelineCheck ? "outcome " : "verdict ") + s.at("/predicate/verdict/outcome").asText() + ", signed by key " + keyid
                + ", valid until " + s.at("/predicate/expiresAt").asText()
                + (digestSkipped ? (pipelineCheck ? "; probe-spec digest matches"
                        : "; model digest NOT checked (--no-digest)") : "; model digest matches"));
        if (result.policy() != null && !result.policy().satisfied()) {
            out.println("POLICY FAILED:");
            result.policy().reasons().forEach(r -> out.println("  - " + r));
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** {@code --version}: the Maven project version, written into traittrace-verify.properties at build time. */
    static final class Version implements CommandLine.IVersionProvider {

        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = TraittraceVerify.class.getResourceAsStream("/traittrace-verify.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] { "traittrace-verify " + properties.getProperty("version", "unknown") };
        }
    }
}
