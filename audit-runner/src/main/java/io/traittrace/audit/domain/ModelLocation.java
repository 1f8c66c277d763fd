package io.traittrace.audit.domain;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.traittrace.audit.config.RunnerConfig;

/**
 * Where a model's weights are, from its lineage URI, and how a probe run reaches them: a {@code file://} directory under
 * an allow-listed root for the local executor; for Jobs a read-only PersistentVolumeClaim ({@code pvc://CLAIM/PATH}), an
 * OCI artifact mounted as an image volume ({@code oci://REF@sha256:…}, pinned by digest so the weights cannot change
 * under the audit) or an object-store prefix fetched by an init container ({@code s3://BUCKET/PREFIX}). Anything else is
 * refused, naming the model and the scheme.
 *
 * @param kind "file", "pvc", "oci" or "s3"
 * @param probePath the directory the probe loads
 * @param mount for Jobs, what to mount at {@code probePath} (kind-specific keys); null for a local file
 */
public record ModelLocation(String kind, String probePath, Map<String, String> mount) {

    static final Pattern CLAIM = Pattern.compile("^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$");
    static final Pattern OCI = Pattern.compile("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[a-f0-9]{64}$");
    static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");
    /** Relative path segments: no "..", no empty or hidden tricks, printable ASCII without shell metacharacters. */
    static final Pattern RELATIVE = Pattern.compile("^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*$");

    /**
     * A checkpoint directory a request names itself (the family test's {@code a} and {@code b}). On the local executor it must
     * lie under a configured model root, as {@code file://} weights must: a request may not point the probe at the runner's own
     * files. A Job reads it inside its own pod, where an absolute path without ".." is all that is asked.
     */
    public static void requireProbeDirectory(String field, String directory, RunnerConfig.ExecutorKind executor, RunnerConfig.Storage storage) {
        Path path = Path.of(directory);
        if (!path.isAbsolute() || !path.normalize().equals(path)) {
            throw new InvalidRequest(field, "'" + directory + "' must be an absolute, normalised directory path (no '..')");
        }
        List<Path> roots = storage.fileRoots().orElse(List.of());
        if (executor == RunnerConfig.ExecutorKind.LOCAL && roots.stream().map(r -> r.toAbsolutePath().normalize()).noneMatch(path::startsWith)) {
            throw new InvalidRequest(field, directory + " is not under an allowed model root " + roots + " (runner.storage.file-roots)");
        }
    }

    /**
     * Resolves {@code uri} for the configured executor.
     *
     * @param field the request field to blame ("models.student")
     * @param model the lineage id, named in every refusal
     * @param role the model's role in the audit; a Job mounts it at mountRoot/role
     * @throws InvalidRequest with status 422's meaning: the audit cannot load this model
     */
    public static ModelLocation resolve(String field, String model, String role, String uri, RunnerConfig.ExecutorKind executor,
            RunnerConfig.Storage storage) {
        if (uri == null || uri.isBlank()) {
            throw new InvalidRequest(field, "model '" + model + "' has no uri in the lineage service: its weights cannot be found");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new InvalidRequest(field, "model '" + model + "' has an unparseable uri '" + uri + "'");
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme();
        boolean local = executor == RunnerConfig.ExecutorKind.LOCAL;
        String target = storage.mountRoot() + "/" + role;
        switch (scheme) {
        case "file" -> {
            if (!local) {
                throw new InvalidRequest(field, "model '" + model + "': file:// weights are only for the local executor; a Job reads pvc://, oci:// or s3://");
            }
            Path path = Path.of(parsed.getPath() == null ? "" : parsed.getPath()).normalize();
            List<Path> roots = storage.fileRoots().orElse(List.of());
            if (!path.isAbsolute() || roots.stream().map(r -> r.toAbsolutePath().normalize()).noneMatch(path::startsWith)) {
                throw new InvalidRequest(field, "model '" + model + "': " + path + " is not under an allowed model root " + roots
                        + " (runner.storage.file-roots)");
            }
            return new ModelLocation("file", path.toString(), null);
        }
        case "pvc" -> {
            String claim = parsed.getHost();
            String sub = strip(parsed.getPath());
            if (claim == null || !CLAIM.matcher(claim).matches() || !sub.isEmpty() && (!RELATIVE.matcher(sub).matches() || traverses(sub))) {
                throw new InvalidRequest(field, "model '" + model + "': pvc:// needs pvc://CLAIM/PATH with a DNS-1123 claim name and a relative path, got '" + uri + "'");
            }
            requireJobs(local, field, model, scheme);
            Map<String, String> mount = new LinkedHashMap<>();
            mount.put("claim", claim);
            mount.put("subPath", sub);
            return new ModelLocation("pvc", target, mount);
        }
        case "oci" -> {
            String reference = uri.substring("oci://".length());
            if (!OCI.matcher(reference).matches()) {
                throw new InvalidRequest(field, "model '" + model + "': oci:// needs a reference pinned by digest, oci://REGISTRY/PATH@sha256:<64 hex>, got '"
                        + uri + "'");
            }
            requireJobs(local, field, model, scheme);
            return new ModelLocation("oci", target, Map.of("reference", reference));
        }
        case "s3" -> {
            String bucket = parsed.getHost();
            String prefix = strip(parsed.getPath());
            if (bucket == null || !BUCKET.matcher(bucket).matches() || prefix.isEmpty() || !RELATIVE.matcher(prefix).matches() || traverses(prefix)) {
                throw new InvalidRequest(field, "model '" + model + "': s3:// needs s3://BUCKET/PREFIX, got '" + uri + "'");
            }
            requireJobs(local, field, model, scheme);
            if (storage.s3FetchImage().isEmpty()) {
                throw new InvalidRequest(field, "model '" + model + "': s3:// weights need a fetch image (runner.storage.s3-fetch-image), which is not configured");
            }
            Map<String, String> mount = new LinkedHashMap<>();
            mount.put("bucket", bucket);
            mount.put("prefix", prefix);
            return new ModelLocation("s3", target, mount);
        }
        default -> throw new InvalidRequest(field, "model '" + model + "': the scheme '" + scheme + "' of '" + uri + "' is not mapped to storage the "
                + (local ? "local executor" : "Jobs") + " can read (" + (local ? "file://" : "pvc://, oci://, s3://") + ")");
        }
    }

    private static void requireJobs(boolean local, String field, String model, String scheme) {
        if (local) {
            throw new InvalidRequest(field, "model '" + model + "': " + scheme + ":// weights are mounted into Jobs; the local executor reads file:// only");
        }
    }

    private static String strip(String path) {
        return path == null ? "" : path.replaceAll("^/+", "").replaceAll("/+$", "");
    }

    private static boolean traverses(String path) {
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return true;
            }
        }
        return false;
    }
}
