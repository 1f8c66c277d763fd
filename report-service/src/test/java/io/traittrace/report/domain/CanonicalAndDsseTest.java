package io.traittrace.report.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.Dsse;
import io.traittrace.verifier.KeyAlgorithm;
import io.traittrace.verifier.KeyStatus;
import io.traittrace.verifier.Keys;

class CanonicalAndDsseTest {

    @Test
    void canonicalBytesFollowRfc8785() throws Exception {
        // RFC 8785 §3.2.2 sample input and output.
        String input = "{\"numbers\":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"
                + "\"string\":\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\"literals\":[null,true,false]}";
        String expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        assertThat(new String(Canonical.bytes(Canonical.JSON.readTree(input)), StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void keysAreSortedByUtf16CodeUnits() throws Exception {
        String input = "{\"\\u20ac\":1,\"\\r\":2,\"\\ud83d\\ude00\":3,\"1\":4,\"\\u0080\":5,\"\\u00f6\":6,\"\\ufb33\":7}";
        String out = new String(Canonical.bytes(Canonical.JSON.readTree(input)), StandardCharsets.UTF_8);
        assertThat(out).isEqualTo("{\"\\r\":2,\"1\":4,\"\u0080\":5,\"ö\":6,\"€\":1,\"😀\":3,\"דּ\":7}");
    }

    @Test
    void paeMatchesTheDsseSpecification() {
        byte[] pae = Dsse.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(pae, StandardCharsets.UTF_8)).isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
        // lengths are byte counts, not characters
        assertThat(new String(Dsse.pae("t", "€".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)).isEqualTo("DSSEv1 1 t 3 €");
    }

    @Test
    void keyidIsTheSha256OfTheDerPublicKeyAndPemRoundTrips() {
        for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
            var pair = Keys.generate(algorithm);
            String keyid = Keys.keyid(pair.getPublic());
            assertThat(keyid).isEqualTo(HexFormat.of().formatHex(Keys.sha256(pair.getPublic().getEncoded()))).hasSize(64);
            var parsed = Keys.parsePublicPem(Keys.publicPem(pair.getPublic()));
            assertThat(Keys.keyid(parsed)).isEqualTo(keyid);
            var priv = Keys.parsePrivatePem(Keys.privatePem(pair.getPrivate()), algorithm);
            assertThat(SigningKey.of(priv, parsed).algorithm()).isEqualTo(algorithm);
            var jwk = Keys.jwk(parsed, KeyStatus.ACTIVE);
            assertThat(jwk).containsEntry("kid", keyid).containsEntry("status", "active");
            assertThat(Base64.getUrlDecoder().decode((String) jwk.get("x"))).hasSize(32);
        }
    }

    @Test
    void mismatchedKeyPairsAndOtherCurvesAreRefused() throws Exception {
        var a = Keys.generate(KeyAlgorithm.ECDSA_P256_SHA256);
        var b = Keys.generate(KeyAlgorithm.ECDSA_P256_SHA256);
        assertThatThrownBy(() -> SigningKey.of(a.getPrivate(), b.getPublic())).hasMessageContaining("does not belong");
        var generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        var p384 = generator.generateKeyPair();
        assertThatThrownBy(() -> Keys.parsePublicPem(Keys.publicPem(p384.getPublic()))).hasMessageContaining("Not an ECDSA P-256");
    }
}
