package io.traittrace.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ClientAddressesTest {

    private final ClientAddresses behindIngress = new ClientAddresses(List.of("10.0.0.0/8", "127.0.0.1", "fd00::/8"));

    @Test
    void aPeerThatIsNoProxyIsTheClientWhateverItForwards() {
        assertThat(behindIngress.client("203.0.113.7", List.of("198.51.100.1"))).isEqualTo("203.0.113.7");
        assertThat(new ClientAddresses(List.of()).client("10.1.2.3", List.of("198.51.100.1"))).isEqualTo("10.1.2.3");
    }

    @Test
    void behindTrustedProxiesTheClientIsTheNearestUntrustedHopFromTheRight() {
        // The client wrote 198.51.100.1 itself; the ingress (10.2.0.5) appended the address it saw.
        assertThat(behindIngress.client("10.2.0.5", List.of("198.51.100.1, 203.0.113.7"))).isEqualTo("203.0.113.7");
        // Two proxies: the inner one's entry is skipped.
        assertThat(behindIngress.client("127.0.0.1", List.of("198.51.100.1, 203.0.113.7", "10.2.0.5"))).isEqualTo("203.0.113.7");
        assertThat(behindIngress.client("127.0.0.1", List.of("203.0.113.7:4711"))).isEqualTo("203.0.113.7");
        assertThat(behindIngress.client("127.0.0.1", List.of("[2001:db8::1]:4711"))).isEqualTo("2001:db8::1");
        assertThat(behindIngress.client("fd00::5", List.of("2001:db8::1"))).isEqualTo("2001:db8::1");
    }

    @Test
    void onlyProxiesOnTheWayOrNoHeaderLeavesTheFarthestKnownAddress() {
        assertThat(behindIngress.client("10.2.0.5", List.of())).isEqualTo("10.2.0.5");
        assertThat(behindIngress.client("10.2.0.5", List.of("10.9.9.9, 10.2.0.4"))).isEqualTo("10.9.9.9");
    }

    @Test
    void rangesMatchByPrefixAndNamesAreRefused() {
        ClientAddresses narrow = new ClientAddresses(List.of("192.168.4.0/22"));
        assertThat(narrow.client("192.168.7.255", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(narrow.client("192.168.8.0", List.of("203.0.113.7"))).isEqualTo("192.168.8.0");
        assertThatThrownBy(() -> new ClientAddresses(List.of("ingress.example.com"))).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> new ClientAddresses(List.of("10.0.0.0/33"))).hasMessageContaining("prefix");
    }
}
