package io.traittrace.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/** The hand-over of a result to the audit runner, against a real HTTP server that answers as scripted. */
class ResultSubmissionTest {

    @TempDir
    Path tmp;

    HttpServer server;
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    volatile int[] statuses = { 202 };
    final Progress progress = new Progress(new PrintStream(new ByteArrayOutputStream()), "test");

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/runs/r1/result", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int status = statuses[Math.min(calls.getAndIncrement(), statuses.length - 1)];
            byte[] answer = "{\"title\":\"scripted\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/runs/r1/result");
    }

    @Test
    void postsTheResultFileWithTheRunToken() throws Exception {
        Path result = Files.writeString(tmp.resolve("result.json"), "{\"schema\":\"x\"}");
        ResultSubmission.submit(result, url(), "run-token-1", progress);
        assertThat(authorizations).containsExactly("Bearer run-token-1");
        assertThat(bodies).containsExactly("{\"schema\":\"x\"}");
    }

    @Test
    void retriesWhileTheRunnerAnswers5xxThenSucceeds() throws Exception {
        statuses = new int[] { 503, 502, 202 };
        ResultSubmission.submit(Files.writeString(tmp.resolve("result.json"), "{}"), url(), "t", progress);
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void aRefusalIsFinalAndExitsFour() throws Exception {
        statuses = new int[] { 403 };
        Path result = Files.writeString(tmp.resolve("result.json"), "{}");
        assertThatThrownBy(() -> ResultSubmission.submit(result, url(), "someone-elses", progress))
                .isInstanceOfSatisfying(ProbeException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ProbeException.NOT_SUBMITTED);
                    assertThat(e.getMessage()).contains("HTTP 403").contains("scripted");
                });
        assertThat(calls.get()).isEqualTo(1);
    }
}
