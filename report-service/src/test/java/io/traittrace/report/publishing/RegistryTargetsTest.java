package io.traittrace.report.publishing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registry secrets come from mounted Secret files; a failure names the file and never shows what is in it. */
class RegistryTargetsTest {

    @TempDir
    Path dir;

    @Test
    void aSecretFileIsReadWithoutItsTrailingLineBreak() throws IOException {
        Path token = Files.writeString(dir.resolve("mlflow-token"), "s3cr3t-token\n");
        assertThat(RegistryTargets.secret(token)).isEqualTo("s3cr3t-token");
        // Read when used: a rotated Secret takes effect without a restart.
        Files.writeString(token, "rotated");
        assertThat(RegistryTargets.secret(token)).isEqualTo("rotated");
    }

    @Test
    void anUnreadableSecretFailsNamingTheFile() throws IOException {
        Path missing = dir.resolve("absent");
        assertThatThrownBy(() -> RegistryTargets.secret(missing)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing.toString());
        Path directory = Files.createDirectories(dir.resolve("s3cr3t-token-dir"));
        assertThatThrownBy(() -> RegistryTargets.secret(directory)).hasMessageStartingWith("cannot read the secret file");
    }
}
