package io.traittrace.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.vertx.core.http.HttpMethod;

/** Which cookie-authenticated calls count as cross-site: the table {@link CrossSiteRequests} decides by. */
class CrossSiteRequestsTest {

    private final CrossSiteRequests behindIngress = new CrossSiteRequests(URI.create("https://TraitTrace.example:443/console"));

    @ParameterizedTest(name = "{0} Sec-Fetch-Site={1} Origin={2}: {3}")
    @CsvSource(nullValues = "-", value = {
            // the console's own pages
            "POST,   same-origin, -,                            allowed",
            "POST,   same-origin, https://elsewhere.example,    allowed",
            "DELETE, -,           https://traittrace.example,   allowed",
            "PUT,    cross-site,  https://traittrace.example,   allowed",
            "GET,    same-origin, -,                            allowed",
            // a user's own navigation, or a browser that says nothing, on a read
            "GET,    none,        -,                            allowed",
            "HEAD,   -,           -,                            allowed",
            "GET,    -,           -,                            allowed",
            // another site, or a sibling host of the same site
            "POST,   cross-site,  https://evil.example,         refused",
            "POST,   same-site,   https://id.traittrace.example, refused",
            "PATCH,  -,           https://evil.example,         refused",
            "POST,   -,           null,                         refused",
            "POST,   -,           http://traittrace.example,    refused",
            "POST,   -,           https://traittrace.example:8443, refused",
            "POST,   none,        -,                            refused",
            "POST,   -,           -,                            refused",
            "DELETE, -,           -,                            refused",
            "GET,    cross-site,  -,                            refused",
            "GET,    same-site,   -,                            refused",
            "GET,    -,           https://evil.example,         refused",
            "HEAD,   cross-site,  https://evil.example,         refused",
    })
    void decides(String method, String site, String origin, String expected) {
        assertThat(behindIngress.refusal(HttpMethod.valueOf(method), site, origin).isPresent() ? "refused" : "allowed")
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "https://traittrace.example, https://traittrace.example",
            "https://traittrace.example:443/, https://traittrace.example",
            "http://localhost:8080, http://localhost:8080",
            "HTTP://LocalHost:80/console, http://localhost",
    })
    void thePublicOriginIsWrittenAsBrowsersWriteIt(String url, String origin) {
        assertThat(new CrossSiteRequests(URI.create(url)).publicOrigin()).isEqualTo(origin);
    }

    @ParameterizedTest
    @CsvSource({ "traittrace.example", "/console", "ftp://traittrace.example" })
    void thePublicUrlMustBeAnAbsoluteHttpUrl(String url) {
        assertThatThrownBy(() -> new CrossSiteRequests(URI.create(url))).hasMessageContaining("gateway.public-url");
    }
}
