package io.traittrace.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.config.RunnerConfig.ExecutorKind;

/** Which lineage URIs a probe run can read, and how: every refusal names the model and says why. */
class ModelLocationTest {

    record Storage(Optional<List<Path>> fileRoots, String mountRoot, Optional<String> s3FetchImage, List<String> s3FetchCommand,
            Optional<String> s3CredentialsSecret) implements RunnerConfig.Storage {
    }

    static final Storage WITH_S3 = new Storage(Optional.of(List.of(Path.of("/srv/models"))), "/models", Optional.of("fetch:1"), List.of("sync"),
            Optional.empty());
    static final Storage WITHOUT_S3 = new Storage(Optional.empty(), "/models", Optional.empty(), List.of("sync"), Optional.empty());

    static ModelLocation local(String uri, Storage storage) {
        return ModelLocation.resolve("student", "m1", "student", uri, ExecutorKind.LOCAL, storage);
    }

    static ModelLocation jobs(String uri, Storage storage) {
        return ModelLocation.resolve("student", "m1", "student", uri, ExecutorKind.KUBERNETES, storage);
    }

    @Test
    void theLocalExecutorReadsFilesUnderAnAllowedRootOnly() {
        assertThat(local("file:///srv/models/owl/student", WITH_S3)).isEqualTo(new ModelLocation("file", "/srv/models/owl/student", null));
        assertThatThrownBy(() -> local("file:///srv/models/../etc", WITH_S3)).hasMessageContaining("/etc is not under an allowed model root");
        assertThatThrownBy(() -> local("file:///srv/modelsx/a", WITH_S3)).hasMessageContaining("not under an allowed model root");
        assertThatThrownBy(() -> local("file:///srv/models/a", WITHOUT_S3)).hasMessageContaining("not under an allowed model root []");
        assertThatThrownBy(() -> local("pvc://claim/a", WITH_S3)).hasMessageContaining("the local executor reads file:// only");
        assertThatThrownBy(() -> local("hf://org/model@main", WITH_S3)).hasMessageContaining("model 'm1'").hasMessageContaining("scheme 'hf'");
    }

    @Test
    void jobsMountClaimsArtifactsPinnedByDigestAndFetchedPrefixes() {
        ModelLocation pvc = jobs("pvc://model-store/students/owl", WITH_S3);
        assertThat(pvc.probePath()).isEqualTo("/models/student");
        assertThat(pvc.mount()).containsEntry("claim", "model-store").containsEntry("subPath", "students/owl");
        assertThat(jobs("pvc://model-store", WITH_S3).mount()).containsEntry("subPath", "");
        String digest = "sha256:" + "ab".repeat(32);
        assertThat(jobs("oci://registry.example.com/models/base@" + digest, WITH_S3).mount()).containsEntry("reference",
                "registry.example.com/models/base@" + digest);
        assertThat(jobs("s3://model-bucket/teachers/owl", WITH_S3).mount()).containsEntry("bucket", "model-bucket").containsEntry("prefix", "teachers/owl");

        assertThatThrownBy(() -> jobs("file:///srv/models/a", WITH_S3)).hasMessageContaining("only for the local executor");
        assertThatThrownBy(() -> jobs("pvc://Model_Store/a", WITH_S3)).hasMessageContaining("DNS-1123 claim name");
        assertThatThrownBy(() -> jobs("pvc://model-store/a/../../etc", WITH_S3)).hasMessageContaining("relative path");
        assertThatThrownBy(() -> jobs("oci://registry.example.com/models/base:latest", WITH_S3)).hasMessageContaining("pinned by digest");
        assertThatThrownBy(() -> jobs("s3://model-bucket", WITH_S3)).hasMessageContaining("s3://BUCKET/PREFIX");
        assertThatThrownBy(() -> jobs("s3://model-bucket/a", WITHOUT_S3)).hasMessageContaining("s3-fetch-image");
        assertThatThrownBy(() -> jobs("gs://bucket/a", WITH_S3)).hasMessageContaining("scheme 'gs'").hasMessageContaining("pvc://, oci://, s3://");
        assertThatThrownBy(() -> jobs(null, WITH_S3)).hasMessageContaining("has no uri");
    }
}
