package io.traittrace.gateway.service;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.traittrace.gateway.config.GatewayConfig;
import io.vertx.core.http.HttpServerRequest;

/**
 * The address a request comes from, which keys an anonymous caller's rate limit: the peer's own, unless the peer is one
 * of the configured proxies ({@code gateway.trusted-proxies}, addresses or CIDR ranges). Then it is the nearest
 * {@code X-Forwarded-For} hop that is not a trusted proxy, read from the right: each proxy appends the address it saw, and
 * whatever a client writes itself stands on the left.
 */
@ApplicationScoped
public class ClientAddresses {

    private static final Pattern IP_LITERAL = Pattern.compile("^[0-9.]+$|^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$");

    private final List<Range> trusted;

    @Inject
    public ClientAddresses(GatewayConfig config) {
        this(config.trustedProxies().orElse(List.of()));
    }

    ClientAddresses(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(Range::parse).toList();
    }

    public String of(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        return client(peer, request.headers().getAll("X-Forwarded-For"));
    }

    String client(String peer, List<String> forwardedFor) {
        if (!isTrusted(peer)) {
            return peer;
        }
        List<String> hops = forwardedFor.stream().flatMap(header -> Arrays.stream(header.split(","))).map(String::trim)
                .filter(hop -> !hop.isEmpty()).toList();
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = withoutPort(hops.get(i));
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        // Only proxies on the way: the request started at the farthest one.
        return hops.isEmpty() ? peer : withoutPort(hops.get(0));
    }

    private boolean isTrusted(String address) {
        byte[] bytes = bytes(address);
        return bytes != null && trusted.stream().anyMatch(range -> range.contains(bytes));
    }

    /** "203.0.113.7:4711" and "[2001:db8::1]:4711" name their host; a bare IPv6 address keeps its colons. */
    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end > 0 ? hop.substring(1, end) : hop;
        }
        int colon = hop.indexOf(':');
        return colon > 0 && hop.indexOf(':', colon + 1) < 0 ? hop.substring(0, colon) : hop;
    }

    /** The address's bytes, only for an IP literal (never a name lookup); null for anything else. */
    private static byte[] bytes(String address) {
        if (!IP_LITERAL.matcher(address).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An address range: a network's bytes and how many leading bits are fixed. */
    record Range(byte[] network, int prefix) {

        static Range parse(String text) {
            String[] parts = text.trim().split("/", 2);
            byte[] network = bytes(parts[0]);
            if (network == null) {
                throw new IllegalArgumentException("gateway.trusted-proxies: '" + text + "' is not an IP address or CIDR range");
            }
            int prefix = parts.length == 1 ? network.length * 8 : Integer.parseInt(parts[1]);
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("gateway.trusted-proxies: '" + text + "' has a prefix outside 0-" + network.length * 8);
            }
            return new Range(network, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
