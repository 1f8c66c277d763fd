package io.traittrace.testsupport;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free TCP ports for the servers tests and benchmarks start. */
public final class Ports {

    private Ports() {
    }

    /**
     * Fails with a message that names the port and what wanted it when something listens on {@code port} (on any
     * address): a server that cannot bind may otherwise go unnoticed while another answers in its place.
     */
    public static void requireFree(int port, String what) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
        } catch (BindException e) {
            throw new IllegalStateException("Port " + port + ", wanted by " + what + ", is already in use: stop what listens there"
                    + " (e.g. a local stack left running) or choose another port", e);
        }
    }

    /** A port nothing listens on right now (the OS's pick). */
    public static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
