package io.traittrace.report.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.validation.constraints.Pattern;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.traittrace.report.domain.Scope;

@ConfigMapping(prefix = "report")
public interface ReportConfig {

    Keys keys();

    Certificates certificates();

    Limits limits();

    Events events();

    Publishing publishing();

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

    /** Where issued certificates are pushed. Each target is off unless configured. */
    interface Publishing {
        /** A registry's configuration names the certificates it takes by scope class (see {@link Scope}). */
        String SCOPE_CLASS = Scope.SUBJECT_EVALUATED + "|" + Scope.PIPELINE_CHECK + "|" + Scope.SELF_ATTESTED;

        Mlflow mlflow();

        Webhook webhook();

        interface Mlflow {
            /** Tags MLflow model versions named by a student URI {@code models:/NAME/VERSION} or {@code mlflow://NAME/VERSION}. */
            @WithDefault("false")
            boolean enabled();

            /** Bearer token for the MLflow tracking server, if it needs one. */
            Optional<String> token();

            /** The scope classes whose certificates tag a model version (a pipeline check never does, whatever is listed). */
            @WithDefault(Scope.SUBJECT_EVALUATED)
            List<@Pattern(regexp = SCOPE_CLASS) String> acceptedScopes();
        }

        interface Webhook {
            @WithDefault("false")
            boolean enabled();

            /** Shared secret of the HMAC-SHA256 signature header. */
            Optional<String> secret();

            /** The scope classes whose certificates' issued and revoked events the receiver gets. */
            @WithDefault(Scope.SUBJECT_EVALUATED)
            List<@Pattern(regexp = SCOPE_CLASS) String> acceptedScopes();
        }
    }

    interface Events {
        /** CloudEvents {@code source} of every event this service publishes. */
        String source();
    }
}
