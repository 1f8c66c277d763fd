package io.traittrace.report.cli;

import io.traittrace.digest.ModelDirectoryDigest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.traittrace.report.domain.Canonical;
import io.traittrace.report.domain.KeyStatus;
import io.traittrace.report.domain.Keys;
import io.traittrace.report.domain.Statements;
import io.traittrace.report.domain.VerificationKey;
import io.traittrace.report.domain.VerificationPolicy;
import io.traittrace.report.domain.VerificationResult;
import io.traittrace.report.domain.Verifier;

/**
 * The offline verifier for registries and CI pipelines, the same {@link Verifier} the service runs:
 *
 * <pre>
 * traittrace-verify --bundle FILE --key PUB.pem (--model-dir DIR | --digest sha256:HEX | --no-digest) [--revocations FILE]
 *     [--require-scope CLASS[,CLASS]]... [--require-verdict OUTCOME[,OUTCOME]]... [--json]
 * </pre>
 *
 * Exit 0 only when every check passes and the policy (if any) accepts the certificate; 1 with the reasons when the
 * certificate is not valid; 3 with the policy reasons when it is valid but not what the policy accepts; 2 for a usage
 * or input error. No network. The model to check against is required: without it a valid signature would pass for any
 * model, so checking the signature alone must be asked for by name ({@code --no-digest}).
 */
public final class TraittraceVerify {

    static final String USAGE = "usage: traittrace-verify --bundle FILE --key PUB.pem (--model-dir DIR | --digest sha256:HEX | --no-digest)"
            + " [--revocations FILE] [--require-scope subject-evaluated|pipeline-check|self-attested]..."
            + " [--require-verdict TRANSFER_DETECTED|NO_TRANSFER_DETECTED|INCONCLUSIVE]... [--json]";

    /** Exit codes: valid (and accepted by the policy), invalid, usage or input error, valid but refused by the policy. */
    public static final int OK = 0;
    public static final int INVALID = 1;
    public static final int USAGE_ERROR = 2;
    public static final int POLICY_FAILED = 3;

    private TraittraceVerify() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Instant.now()));
    }

    public static int run(String[] args, PrintStream out, PrintStream err, Instant now) {
        Map<String, String> options = new HashMap<>();
        List<String> scopes = new ArrayList<>();
        List<String> verdicts = new ArrayList<>();
        boolean json = false;
        boolean noDigest = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--json" -> json = true;
                case "--no-digest" -> noDigest = true;
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "--require-scope", "--require-verdict" -> {
                    if (i + 1 >= args.length) {
                        err.println("missing value for " + arg + "\n" + USAGE);
                        return 2;
                    }
                    (arg.equals("--require-scope") ? scopes : verdicts).add(args[++i]);
                }
                case "--bundle", "--key", "--model-dir", "--digest", "--revocations" -> {
                    if (i + 1 >= args.length) {
                        err.println("missing value for " + arg + "\n" + USAGE);
                        return 2;
                    }
                    options.put(arg, args[++i]);
                }
                default -> {
                    err.println("unknown argument " + arg + "\n" + USAGE);
                    return 2;
                }
            }
        }
        if (!options.containsKey("--bundle") || !options.containsKey("--key")) {
            err.println(USAGE);
            return 2;
        }
        int subjects = (options.containsKey("--model-dir") ? 1 : 0) + (options.containsKey("--digest") ? 1 : 0) + (noDigest ? 1 : 0);
        if (subjects == 0) {
            err.println("give the model the certificate must be about: --model-dir DIR (its digest is computed) or --digest sha256:HEX;"
                    + " a signature alone would pass for any model, so --no-digest asks for that explicitly\n" + USAGE);
            return 2;
        }
        if (subjects > 1) {
            err.println("give one of --model-dir, --digest and --no-digest\n" + USAGE);
            return 2;
        }
        VerificationPolicy policy;
        try {
            policy = VerificationPolicy.parse(scopes, verdicts);
        } catch (IllegalArgumentException e) {
            err.println("policy: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        try {
            byte[] bundle = Files.readAllBytes(Path.of(options.get("--bundle")));
            var publicKey = Keys.parsePublicPem(Files.readString(Path.of(options.get("--key"))));
            Map<String, String> revoked = new HashMap<>();
            Set<String> revokedKeys = new HashSet<>();
            if (options.containsKey("--revocations")) {
                JsonNode list = Canonical.JSON.readTree(Files.readAllBytes(Path.of(options.get("--revocations"))));
                if (!list.path("revocations").isArray()) {
                    err.println("--revocations: expected the JSON of GET /api/revocations ({\"revocations\": [...]})");
                    return 2;
                }
                list.get("revocations").forEach(r -> revoked.put(r.path("certificateId").asText(), r.path("reason").asText("revoked")));
                list.path("revokedKeys").forEach(k -> revokedKeys.add(k.asText()));
            }
            String keyid = Keys.keyid(publicKey);
            KeyStatus status = revokedKeys.contains(keyid) ? KeyStatus.REVOKED : KeyStatus.ACTIVE;
            String digest = options.get("--digest");
            if (options.containsKey("--model-dir")) {
                Path dir = Path.of(options.get("--model-dir"));
                if (!Files.exists(dir)) {
                    err.println("--model-dir: " + dir + " does not exist");
                    return 2;
                }
                digest = ModelDirectoryDigest.of(dir).digest();
            }
            VerificationResult result = Verifier.of(List.of(VerificationKey.of(publicKey, status)), revoked)
                    .verify(bundle, digest, policy, now);
            int exit = !result.valid() ? INVALID : result.accepted() ? OK : POLICY_FAILED;
            if (json) {
                out.println(Canonical.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
            } else if (result.valid()) {
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
                        + (digest == null ? (pipelineCheck ? "; probe-spec digest matches"
                                : "; model digest NOT checked (--no-digest)") : "; model digest matches"));
                if (result.policy() != null && !result.policy().satisfied()) {
                    out.println("POLICY FAILED:");
                    result.policy().reasons().forEach(r -> out.println("  - " + r));
                }
            } else {
                out.println("FAILED:");
                result.reasons().forEach(r -> out.println("  - " + r));
            }
            return exit;
        } catch (IOException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }
}
