package io.traittrace.report.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.validation.constraints.Pattern;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.traittrace.verifier.Scope;

@ConfigMapping(prefix = "report")
public interface ReportConfig {

    Keys keys();

    Certificates certificates();

    Limits limits();

    Events events();

    interface Keys {
        /**
         * Directory with the keys, e.g. a Kubernetes Secret mount: every {@code NAME.pub.pem} (SPKI) is a
         * verification key; {@code NAME.key.pem} (PKCS#8) beside it is its private key.
         */
        String directory();

        /** keyid of the signer; may be left out when exactly one private key is present. */
        Optional<String> activeKeyid();

        /** keyids that must no longer verify anything (compromised keys). */
        Optional<List<String>> revoked();

        /** How often the directory is re-read, so that a rotated Secret takes effect without a restart. */
        @WithDefault("30s")
        Duration reloadInterval();
    }

    interface Certificates {
        /** How long a certificate is valid after issue. */
        Duration validity();

        /** The issuer URI written into every predicate. */
        String issuer();

        /** Public base URL of this service, for links in model cards and events. */
        String publicUrl();
    }

    interface Limits {

        int maxPageSize();

        int defaultPageSize();
    }

    /**
     * Each organisation's registry targets, keyed by its alias ({@code report.registries."acme".mlflow.url}). The secret
     * parts are files (a mounted Kubernetes Secret), read when used, so they are neither in this configuration nor in the
     * database, and a rotated Secret takes effect without a restart. An organisation with no entry publishes nowhere.
     */
    Map<String, Registries> registries();

    /** How the registry calls are retried and guarded (per organisation and target). */
    Publishing publishing();

    interface Registries {
        /** A registry's configuration names the certificates it takes by scope class (see {@link Scope}). */
        String SCOPE_CLASS = Scope.SUBJECT_EVALUATED + "|" + Scope.PIPELINE_CHECK + "|" + Scope.SELF_ATTESTED;

        Optional<Mlflow> mlflow();

        Optional<Webhook> webhook();

        /** Tags MLflow model versions named by a student URI {@code models:/NAME/VERSION} or {@code mlflow://NAME/VERSION}. */
        interface Mlflow {
            /** The tracking server's base URL. */
            URI url();

            /** A file holding the bearer token, if the server needs one (a Secret key mounted as a file). */
            Optional<Path> tokenFile();

            /** The scope classes whose certificates tag a model version (a pipeline check never does, whatever is listed). */
            @WithDefault(Scope.SUBJECT_EVALUATED)
            List<@Pattern(regexp = SCOPE_CLASS) String> acceptedScopes();
        }

        /** Receives the certificate-issued and certificate-revoked CloudEvents, HMAC-signed. */
        interface Webhook {
            URI url();

            /** A file holding the HMAC-SHA256 shared secret (a Secret key mounted as a file). */
            Path secretFile();

            /** The scope classes whose certificates' issued and revoked events the receiver gets. */
            @WithDefault(Scope.SUBJECT_EVALUATED)
            List<@Pattern(regexp = SCOPE_CLASS) String> acceptedScopes();
        }
    }

    interface Publishing {
        /** The limit of one attempt. */
        @WithDefault("10s")
        Duration timeout();

        /** Retries after the first attempt, with exponential backoff and jitter. */
        @WithDefault("5")
        int maxRetries();

        @WithDefault("500ms")
        Duration retryDelay();

        @WithDefault("30s")
        Duration maxRetryDelay();

        /** Stops calling a registry that keeps failing for a while; each organisation's target has its own breaker. */
        @WithDefault("true")
        boolean circuitBreaker();

        @WithDefault("30s")
        Duration circuitBreakerDelay();
    }

    interface Events {
        /** CloudEvents {@code source} of every event this service publishes. */
        String source();
    }
}
