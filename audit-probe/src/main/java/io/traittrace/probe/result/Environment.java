package io.traittrace.probe.result;

/** Software and hardware a result was produced with. */
public record Environment(String probeVersion, String java, String os, String arch, int cpus, String djl, String engine,
        String engineVersion, String device, Integer threads) {

    public static Environment current(String djl, String engine, String engineVersion, String device, Integer threads) {
        String version = Environment.class.getPackage().getImplementationVersion();
        return new Environment(version == null ? "dev" : version, System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), djl, engine, engineVersion, device, threads);
    }
}
