package io.traittrace.probe.family;

import io.traittrace.probe.safetensors.SafetensorsWriter;

import java.nio.file.Path;

/** Checkpoints for tests outside this package (the command-line tests). */
public final class FamilyTestCheckpoints {

    private FamilyTestCheckpoints() {
    }

    public static Path base(Path dir) {
        return TestModels.write(TestModels.init(1), dir);
    }

    public static Path fineTune(Path dir) {
        return TestModels.write(TestModels.fineTune(TestModels.init(1), 0.1, 11), dir);
    }

    public static Path independent(Path dir) {
        return TestModels.write(TestModels.init(2), dir);
    }

    public static void raw(Path file, String header, byte[] data) {
        SafetensorsWriter.writeRaw(file, header, data);
    }
}
