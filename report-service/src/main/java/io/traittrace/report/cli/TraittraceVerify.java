package io.traittrace.report.cli;

import io.traittrace.digest.ModelDirectoryDigest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.traittrace.report.domain.Canonical;
import io.traittrace.report.domain.KeyStatus;
import io.traittrace.report.domain.Keys;
import io.traittrace.report.domain.VerificationKey;
import io.traittrace.report.domain.VerificationResult;
import io.traittrace.report.domain.Verifier;

/**
 * The offline verifier for registries and CI pipelines, the same {@link Verifier} the service runs:
 *
 * <pre>
 * traittrace-verify --bundle FILE --key PUB.pem [--model-dir DIR | --digest sha256:HEX] [--revocations FILE] [--json]
 * </pre>
 *
 * Exit 0 only when every check passes; 1 with the reasons otherwise; 2 for a usage or input error. No network.
 */
public final class TraittraceVerify {

    static final String USAGE = "usage: traittrace-verify --bundle FILE --key PUB.pem [--model-dir DIR | --digest sha256:HEX]"
            + " [--revocations FILE] [--json]";

    private TraittraceVerify() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Instant.now()));
    }

    public static int run(String[] args, PrintStream out, PrintStream err, Instant now) {
        Map<String, String> options = new HashMap<>();
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--json" -> json = true;
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
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
        if (options.containsKey("--model-dir") && options.containsKey("--digest")) {
            err.println("give --model-dir or --digest, not both");
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
                    .verify(bundle, digest, now);
            if (json) {
                out.println(Canonical.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
            } else if (result.valid()) {
                JsonNode s = result.statement();
                out.println("OK: certificate " + s.at("/predicate/certificate/id").asText() + " for " + s.at("/subject/0/name").asText()
                        + " (sha256:" + s.at("/subject/0/digest/sha256").asText() + ")");
                out.println("    verdict " + s.at("/predicate/verdict/outcome").asText() + ", signed by key " + keyid
                        + ", valid until " + s.at("/predicate/expiresAt").asText()
                        + (digest == null ? "; model digest NOT checked (give --model-dir or --digest)" : "; model digest matches"));
            } else {
                out.println("FAILED:");
                result.reasons().forEach(r -> out.println("  - " + r));
            }
            return result.valid() ? 0 : 1;
        } catch (IOException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }
}
