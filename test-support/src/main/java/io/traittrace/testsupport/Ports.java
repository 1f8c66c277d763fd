package io.traittrace.testsupport;

import java.io.IOException;
import java.net.ServerSocket;

/** Free TCP ports for the servers tests and benchmarks start. */
public final class Ports {

    private Ports() {
    }

    /** A port nothing listens on right now (the OS's pick). */
    public static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
