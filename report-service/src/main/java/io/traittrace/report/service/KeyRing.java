package io.traittrace.report.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.traittrace.report.config.ReportConfig;
import io.traittrace.report.domain.SigningKey;
import io.traittrace.verifier.KeyStatus;
import io.traittrace.verifier.Keys;
import io.traittrace.verifier.VerificationKey;

/**
 * The keys, read from a directory (a Kubernetes Secret mount in production; never the repository): one active
 * signer, and every other public key still published for verification (retired) unless listed as revoked.
 * The directory is re-read periodically, so rotation is: add the new key pair to the Secret, switch
 * {@code report.keys.active-keyid}, keep the old public key in the Secret for as long as its certificates live.
 * A reload that fails keeps the last good key set.
 */
@ApplicationScoped
public class KeyRing {

    private static final Logger LOG = Logger.getLogger(KeyRing.class);
    static final String PUBLIC_SUFFIX = ".pub.pem";
    static final String PRIVATE_SUFFIX = ".key.pem";

    private final ReportConfig config;
    private volatile State state;

    record State(SigningKey signer, Map<String, VerificationKey> keys) {
    }

    public KeyRing(ReportConfig config) {
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        state = load();
        LOG.infof("Signing with key %s (%s); %d verification key(s)", state.signer().keyid(), state.signer().algorithm(), state.keys().size());
    }

    @Scheduled(every = "${report.keys.reload-interval}", delayed = "${report.keys.reload-interval}",
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void reload() {
        if (state == null) {
            return; // not started yet
        }
        try {
            State next = load();
            if (!next.keys().keySet().equals(state.keys().keySet()) || !next.signer().keyid().equals(state.signer().keyid())
                    || !next.keys().values().stream().map(VerificationKey::status).toList()
                            .equals(state.keys().values().stream().map(VerificationKey::status).toList())) {
                LOG.infof("Key set changed: signing with %s; %d verification key(s)", next.signer().keyid(), next.keys().size());
            }
            state = next;
        } catch (RuntimeException e) {
            LOG.errorf("Key reload failed, keeping the previous key set: %s", e.getMessage());
        }
    }

    public SigningKey signer() {
        return current().signer();
    }

    public Optional<VerificationKey> find(String keyid) {
        return Optional.ofNullable(current().keys().get(keyid));
    }

    public List<VerificationKey> all() {
        return List.copyOf(current().keys().values());
    }

    private State current() {
        State s = state;
        if (s == null) {
            state = s = load();
        }
        return s;
    }

    State load() {
        Path dir = Path.of(config.keys().directory());
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("report.keys.directory " + dir.toAbsolutePath() + " is not a directory");
        }
        Set<String> revoked = Set.copyOf(config.keys().revoked().orElse(List.of()));
        Map<String, PublicKey> publicByName = new LinkedHashMap<>();
        Map<String, Path> privateByName = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted(Comparator.comparing(Path::toString)).toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") || !Files.isRegularFile(file)) {
                    continue; // Secret mounts hold ..data links and timestamped directories
                }
                if (name.endsWith(PUBLIC_SUFFIX)) {
                    publicByName.put(stem(name, PUBLIC_SUFFIX), parsePublic(file));
                } else if (name.endsWith(PRIVATE_SUFFIX)) {
                    privateByName.put(stem(name, PRIVATE_SUFFIX), file);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (publicByName.isEmpty()) {
            throw new IllegalStateException("No *" + PUBLIC_SUFFIX + " key in " + dir.toAbsolutePath());
        }
        String active = config.keys().activeKeyid().orElseGet(() -> {
            List<String> withPrivate = privateByName.keySet().stream().filter(publicByName::containsKey).toList();
            if (withPrivate.size() != 1) {
                throw new IllegalStateException("Set report.keys.active-keyid: " + withPrivate.size()
                        + " key pairs found in " + dir.toAbsolutePath());
            }
            return Keys.keyid(publicByName.get(withPrivate.get(0)));
        });
        if (revoked.contains(active)) {
            throw new IllegalStateException("The active key " + active + " is listed as revoked");
        }
        SigningKey signer = null;
        Map<String, VerificationKey> keys = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(publicByName.keySet());
        for (String name : names) {
            PublicKey pub = publicByName.get(name);
            String keyid = Keys.keyid(pub);
            KeyStatus status = keyid.equals(active) ? KeyStatus.ACTIVE : revoked.contains(keyid) ? KeyStatus.REVOKED : KeyStatus.RETIRED;
            keys.put(keyid, VerificationKey.of(pub, status));
            if (status == KeyStatus.ACTIVE) {
                Path privateFile = privateByName.get(name);
                if (privateFile == null) {
                    throw new IllegalStateException("The active key " + active + " has no " + name + PRIVATE_SUFFIX + " beside it");
                }
                PrivateKey priv = Keys.parsePrivatePem(read(privateFile), keys.get(keyid).algorithm());
                signer = SigningKey.of(priv, pub);
            }
        }
        if (signer == null) {
            throw new IllegalStateException("No public key in " + dir.toAbsolutePath() + " has the active keyid " + active);
        }
        return new State(signer, java.util.Collections.unmodifiableMap(keys));
    }

    private static String stem(String name, String suffix) {
        return name.substring(0, name.length() - suffix.length());
    }

    private static PublicKey parsePublic(Path file) {
        try {
            return Keys.parsePublicPem(read(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
